package dev.switchboard.server.module;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.server.config.ConfigError;
import dev.switchboard.server.hook.Hooks;
import dev.switchboard.server.iq.ServerIqs;
import dev.switchboard.server.session.SessionFilter;
import dev.switchboard.server.user.AccountIqHandler;
import dev.switchboard.server.user.UserFeature;
import dev.switchboard.xmpp.Element;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Starts modules in dependency order and gathers their registrations into the kernel's tables.
 * Disco features come from the same tables, so they list exactly what is implemented.
 */
public final class ModuleRegistry implements DiscoFeatures {
  private final Hooks hooks;
  private final ServerIqs serverIqs;
  private final Map<String, AccountIqHandler> accountIqs = new HashMap<>();
  private final List<UserFeature> userFeatures = new ArrayList<>();
  private final SortedSet<String> serverFeatures = new TreeSet<>();
  private final SortedSet<String> accountFeatures = new TreeSet<>();
  private final List<Element> preAuthFeatures = new ArrayList<>();
  private final Map<String, PreAuthIqHandler> preAuthIqs = new LinkedHashMap<>();
  private final List<Element> postAuthFeatures = new ArrayList<>();
  private final Map<String, Supplier<SessionFilter>> sessionFilters = new LinkedHashMap<>();
  private final List<Runnable> undo = new ArrayList<>();
  private final List<Module> started = new ArrayList<>();

  public ModuleRegistry(Hooks hooks, ServerIqs serverIqs) {
    this.hooks = hooks;
    this.serverIqs = serverIqs;
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
        throw new ConfigError("module '" + m.name() + "' requires module '" + dep + "'");
      }
      visit(d, byName, state, out);
    }
    state.put(m.name(), true);
    out.add(m);
  }

  /** Starts every module with a context made for it. */
  public void start(List<Module> modules, Function<Config, ModuleContext> contextFor, Config all) {
    for (Module m : order(modules)) {
      String path = "switchboard.modules." + m.name();
      Config options = all.hasPath(path) ? all.getConfig(path) : ConfigFactory.empty();
      add(m.start(contextFor.apply(options)));
      started.add(m);
    }
  }

  private void add(Registrations r) {
    r.serverIqs().forEach((ns, h) -> undo.add(serverIqs.register(ns, h)));
    r.accountIqs()
        .forEach(
            (ns, h) -> {
              if (accountIqs.putIfAbsent(ns, h) != null) {
                throw new IllegalStateException("two account IQ handlers for " + ns);
              }
            });
    serverFeatures.addAll(r.serverFeatures());
    accountFeatures.addAll(r.accountFeatures());
    userFeatures.addAll(r.userFeatures());
    for (Registrations.HookRegistration<?> h : r.hooks()) {
      undo.add(register(h));
    }
    preAuthFeatures.addAll(r.preAuthFeatures());
    preAuthIqs.putAll(r.preAuthIqs());
    postAuthFeatures.addAll(r.postAuthFeatures());
    r.sessionFilters()
        .forEach(
            (ns, f) -> {
              if (sessionFilters.putIfAbsent(ns, f) != null) {
                throw new IllegalStateException("two session filters for " + ns);
              }
            });
  }

  private <E> Runnable register(Registrations.HookRegistration<E> h) {
    return hooks.register(h.key(), h.priority(), "module", h.handler());
  }

  public List<Module> started() {
    return Collections.unmodifiableList(started);
  }

  @Override
  public SortedSet<String> server() {
    SortedSet<String> all = new TreeSet<>(serverFeatures);
    all.addAll(serverIqs.namespaces());
    return Collections.unmodifiableSortedSet(all);
  }

  @Override
  public SortedSet<String> account() {
    SortedSet<String> all = new TreeSet<>(accountFeatures);
    all.addAll(accountIqs.keySet());
    return Collections.unmodifiableSortedSet(all);
  }

  public Map<String, AccountIqHandler> accountIqs() {
    return Collections.unmodifiableMap(accountIqs);
  }

  public List<UserFeature> userFeatures() {
    return Collections.unmodifiableList(userFeatures);
  }

  public List<Element> preAuthFeatures() {
    return Collections.unmodifiableList(preAuthFeatures);
  }

  public Map<String, PreAuthIqHandler> preAuthIqs() {
    return Collections.unmodifiableMap(preAuthIqs);
  }

  public List<Element> postAuthFeatures() {
    return Collections.unmodifiableList(postAuthFeatures);
  }

  /** Per-session filter factories by the nonza namespace that drives them. */
  public Map<String, Supplier<SessionFilter>> sessionFilters() {
    return Collections.unmodifiableMap(sessionFilters);
  }

  /** Removes every registration the modules made. */
  public void stop() {
    undo.forEach(Runnable::run);
    undo.clear();
    started.clear();
  }
}
