package dev.switchboard.server.module;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import dev.switchboard.server.config.ConfigError;
import dev.switchboard.server.routing.ComponentRegistry;
import dev.switchboard.server.routing.HostedDomains;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the modules for every hosted domain and stops them again: reads and validates each
 * module's options (its declared defaults, then {@code switchboard.modules.<name>}, then {@code
 * switchboard.hosts."<domain>".modules.<name>}), leaves out modules whose {@code enabled} is false,
 * starts the rest in dependency order, and gathers their registrations into the domain's {@link
 * HostModules}. Stopping undoes it in reverse order: registrations, then actors, then {@link
 * Module#stop}.
 */
public final class ModuleRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(ModuleRegistry.class);
  private static final String ENABLED = "enabled";

  private final ModuleServices services;
  private final HostedDomains hosted;
  private final ComponentRegistry components;
  private final Map<String, HostModules> hosts = new LinkedHashMap<>();
  private final List<Running> running = new ArrayList<>();

  /** A started module of one domain, with what undoes it. */
  private record Running(String domain, Module module, List<Runnable> undo, ModuleActors actors) {}

  public ModuleRegistry(
      ModuleServices services, HostedDomains hosted, ComponentRegistry components) {
    this.services = services;
    this.hosted = hosted;
    this.components = components;
  }

  /** Orders modules so each comes after what it requires; fails naming a missing or cyclic one. */
  static List<Module> order(List<Module> modules) {
    Map<String, Module> byName = new LinkedHashMap<>();
    for (Module m : modules) {
      if (byName.put(m.name(), m) != null) {
        throw new ConfigError("module '" + m.name() + "' is listed twice");
      }
    }
    List<Module> out = new ArrayList<>();
    Map<String, Boolean> state = new HashMap<>(); // false: visiting, true: done
    for (Module m : modules) {
      visit(m, byName, state, out);
    }
    return out;
  }

  private static void visit(
      Module m, Map<String, Module> byName, Map<String, Boolean> state, List<Module> out) {
    Boolean s = state.get(m.name());
    if (Boolean.TRUE.equals(s)) {
      return;
    }
    if (Boolean.FALSE.equals(s)) {
      throw new ConfigError("modules depend on each other in a cycle through '" + m.name() + "'");
    }
    state.put(m.name(), false);
    for (String dep : m.requires()) {
      Module d = byName.get(dep);
      if (d == null) {
        throw new ConfigError(
            "module '" + m.name() + "' requires module '" + dep + "', which is not enabled");
      }
      visit(d, byName, state, out);
    }
    state.put(m.name(), true);
    out.add(m);
  }

  /**
   * Starts the modules of {@code catalog} (one new instance per hosted domain) as {@code settings}
   * say: {@code settings} is the {@code switchboard} section of the configuration. On failure, what
   * started is stopped again and the error names the key or module.
   */
  public void start(List<Supplier<Module>> catalog, Config settings) {
    Config global = section(settings, "modules");
    Set<String> known = new TreeSet<>();
    for (Supplier<Module> s : catalog) {
      known.add(s.get().name());
    }
    checkModuleNames(global, known, "switchboard.modules");
    try {
      for (String domain : hosted.domains()) {
        Config host = hostModules(settings, domain);
        checkModuleNames(host, known, hostPath(domain));
        startHost(domain, catalog, global, host);
      }
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
  }

  /**
   * Checks what {@link #start} would check, without starting anything: module names, options and
   * dependencies for every domain in {@code domains}. Throws {@link ConfigError} naming the key.
   */
  public static void validate(
      List<Supplier<Module>> catalog, Config settings, List<String> domains) {
    Config global = section(settings, "modules");
    Set<String> known = new TreeSet<>();
    for (Supplier<Module> s : catalog) {
      known.add(s.get().name());
    }
    checkModuleNames(global, known, "switchboard.modules");
    for (String domain : domains) {
      Config host = hostModules(settings, domain);
      checkModuleNames(host, known, hostPath(domain));
      plan(domain, catalog, global, host);
    }
  }

  /** A module to start for one domain, with its options read and validated. */
  private record Planned(Module module, ModuleOptions options) {}

  private static List<Planned> plan(
      String domain, List<Supplier<Module>> catalog, Config global, Config host) {
    List<Module> enabled = new ArrayList<>();
    Map<String, Config> options = new HashMap<>();
    for (Supplier<Module> s : catalog) {
      Module m = s.get();
      Config merged =
          section(host, quoted(m.name())).withFallback(section(global, quoted(m.name())));
      if (isEnabled(merged, m.name(), domain)) {
        enabled.add(m);
        options.put(m.name(), merged);
      }
    }
    List<Planned> out = new ArrayList<>();
    for (Module m : order(enabled)) {
      out.add(new Planned(m, read(m, options.get(m.name()), "switchboard.modules." + m.name())));
    }
    return out;
  }

  private void startHost(
      String domain, List<Supplier<Module>> catalog, Config global, Config host) {
    HostModules tables = new HostModules(domain, hosted.serverIqs(domain), components);
    hosts.put(domain, tables);
    for (Planned p : plan(domain, catalog, global, host)) {
      Module m = p.module();
      ModuleOptions values = p.options();
      ModuleActors actors = new ModuleActors(services.system(), m.name(), domain);
      ModuleContext ctx = new ModuleContext(domain, services, values, tables, actors);
      Registrations r;
      try {
        r = m.start(ctx);
      } catch (RuntimeException e) {
        actors.stopAll();
        throw e;
      }
      running.add(new Running(domain, m, tables.add(m.name(), r), actors));
    }
  }

  private static boolean isEnabled(Config merged, String module, String domain) {
    if (!merged.hasPath(ENABLED)) {
      return true;
    }
    try {
      return merged.getBoolean(ENABLED);
    } catch (ConfigException e) {
      throw new ConfigError(
          "switchboard.modules." + module + ".enabled (for " + domain + "): not a boolean");
    }
  }

  /** Reads every declared option, rejecting keys the module does not declare. */
  private static ModuleOptions read(Module m, Config section, String path) {
    Map<String, Option<?>> declared = new HashMap<>();
    for (Option<?> o : m.options()) {
      declared.put(o.key(), o);
    }
    for (Map.Entry<String, ConfigValue> e : section.entrySet()) {
      String key = e.getKey();
      if (!key.equals(ENABLED) && !declared.containsKey(key)) {
        throw new ConfigError(
            "unknown configuration key '"
                + path
                + "."
                + key
                + "'"
                + (declared.isEmpty()
                    ? " (module " + m.name() + " has no options)"
                    : " (options of " + m.name() + ": " + new TreeSet<>(declared.keySet()) + ")"));
      }
    }
    Map<Option<?>, Object> values = new HashMap<>();
    for (Option<?> o : m.options()) {
      values.put(o, o.read(section, path));
    }
    return new ModuleOptions(values);
  }

  private static void checkModuleNames(Config modules, Set<String> known, String path) {
    for (String name : modules.root().keySet()) {
      if (!known.contains(name)) {
        throw new ConfigError(
            "unknown module '" + name + "' in " + path + " (modules: " + known + ")");
      }
    }
  }

  private static Config hostModules(Config settings, String domain) {
    Config hosts = section(settings, "hosts");
    return hosts.hasPath(quoted(domain))
        ? section(hosts.getConfig(quoted(domain)), "modules")
        : ConfigFactory.empty();
  }

  private static Config section(Config c, String path) {
    return c.hasPath(path) ? c.getConfig(path) : ConfigFactory.empty();
  }

  private static String hostPath(String domain) {
    return "switchboard.hosts." + quoted(domain) + ".modules";
  }

  private static String quoted(String key) {
    return "\"" + key + "\"";
  }

  /** The modules' tables of one hosted domain. */
  public HostModules host(String domain) {
    HostModules h = hosts.get(domain);
    if (h == null) {
      throw new IllegalArgumentException(domain + " is not hosted here");
    }
    return h;
  }

  /** The started modules, by domain, in start order (for the admin tools and tests). */
  public Map<String, List<String>> started() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Running r : running) {
      out.computeIfAbsent(r.domain(), d -> new ArrayList<>()).add(r.module().name());
    }
    return Collections.unmodifiableMap(out);
  }

  /** Stops every started module, last started first. */
  public void stop() {
    for (int i = running.size() - 1; i >= 0; i--) {
      Running r = running.get(i);
      for (int j = r.undo().size() - 1; j >= 0; j--) {
        r.undo().get(j).run();
      }
      r.actors().stopAll();
      try {
        r.module().stop();
      } catch (RuntimeException e) {
        LOG.warn("module {} of {} did not stop cleanly", r.module().name(), r.domain(), e);
      }
    }
    running.clear();
  }
}
