package dev.switchboard.server.module;

import dev.switchboard.server.hook.Hooks;
import dev.switchboard.server.iq.ServerIqs;
import dev.switchboard.server.routing.ComponentRegistry;
import dev.switchboard.server.session.SessionFilter;
import dev.switchboard.server.user.AccountExtensions;
import dev.switchboard.server.user.AccountIqHandler;
import dev.switchboard.xmpp.Element;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What the modules of one hosted domain registered, gathered into the kernel's tables: hooks, IQ
 * handlers, stream features, session filters, service discovery. The kernel reads these tables,
 * never the modules; a module's stop removes what it added.
 */
public final class HostModules implements Disco {
  /** The server's own identity, first in every domain's disco#info. */
  private static final Identity SERVER = new Identity("server", "im", "Switchboard");

  private final String domain;
  private final Hooks hooks = new Hooks();
  private final ServerIqs serverIqs;
  private final ComponentRegistry components;
  private final Map<String, AccountIqHandler> accountIqs = new ConcurrentHashMap<>();
  private final List<String> serverFeatures = Collections.synchronizedList(new ArrayList<>());
  private final List<String> accountFeatures = Collections.synchronizedList(new ArrayList<>());
  private final List<Identity> identities = Collections.synchronizedList(new ArrayList<>());
  private final List<Item> items = Collections.synchronizedList(new ArrayList<>());
  private final List<Element> preAuthFeatures = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, PreAuthIqHandler> preAuthIqs = new ConcurrentHashMap<>();
  private final List<Element> postAuthFeatures = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Supplier<SessionFilter>> sessionFilters = new ConcurrentHashMap<>();
  private final AccountExtensions accountExtensions;
  private final AtomicLong changes = new AtomicLong();

  HostModules(String domain, ServerIqs serverIqs, ComponentRegistry components) {
    this.domain = domain;
    this.serverIqs = serverIqs;
    this.components = components;
    this.accountExtensions = new AccountExtensions(hooks, accountIqs);
  }

  public String domain() {
    return domain;
  }

  /**
   * How many times the tables changed (a module started or stopped): what is derived from them,
   * such as a domain's stream features, is rebuilt when this moves.
   */
  public long changes() {
    return changes.get();
  }

  /** Adds a module's registrations; returns what removes them again. */
  List<Runnable> add(String module, Registrations r) {
    changes.incrementAndGet();
    List<Runnable> undo = new ArrayList<>();
    undo.add(changes::incrementAndGet);
    r.serverIqs().forEach((ns, h) -> undo.add(serverIqs.register(ns, h)));
    r.accountIqs()
        .forEach(
            (ns, h) -> {
              if (accountIqs.putIfAbsent(ns, h) != null) {
                throw new IllegalStateException("two account IQ handlers for " + ns);
              }
              undo.add(() -> accountIqs.remove(ns, h));
            });
    undo.add(addAll(serverFeatures, r.serverFeatures()));
    undo.add(addAll(accountFeatures, r.accountFeatures()));
    undo.add(addAll(identities, r.identities()));
    undo.add(addAll(items, r.items()));
    for (Registrations.HookRegistration<?> h : r.hooks()) {
      undo.add(register(module, h));
    }
    r.components().forEach((d, h) -> undo.add(components.register(d, h)));
    undo.add(addAll(preAuthFeatures, r.preAuthFeatures()));
    r.preAuthIqs()
        .forEach(
            (ns, h) -> {
              if (preAuthIqs.putIfAbsent(ns, h) != null) {
                throw new IllegalStateException("two pre-authentication IQ handlers for " + ns);
              }
              undo.add(() -> preAuthIqs.remove(ns, h));
            });
    undo.add(addAll(postAuthFeatures, r.postAuthFeatures()));
    r.sessionFilters()
        .forEach(
            (ns, f) -> {
              if (sessionFilters.putIfAbsent(ns, f) != null) {
                throw new IllegalStateException("two session filters for " + ns);
              }
              undo.add(() -> sessionFilters.remove(ns, f));
            });
    return undo;
  }

  private static <T> Runnable addAll(List<T> table, List<T> added) {
    table.addAll(added);
    return () -> {
      for (T t : added) {
        table.remove(t);
      }
    };
  }

  private <E> Runnable register(String module, Registrations.HookRegistration<E> h) {
    return hooks.register(h.key(), h.priority(), module, h.handler());
  }

  /** The hooks of this domain's accounts and sessions. */
  public Hooks hooks() {
    return hooks;
  }

  /** What the owner actors of this domain's accounts use. */
  public AccountExtensions accountExtensions() {
    return accountExtensions;
  }

  public List<Element> preAuthFeatures() {
    return List.copyOf(preAuthFeatures);
  }

  public Map<String, PreAuthIqHandler> preAuthIqs() {
    return Collections.unmodifiableMap(preAuthIqs);
  }

  public List<Element> postAuthFeatures() {
    return List.copyOf(postAuthFeatures);
  }

  /** Per-session filter factories by the nonza namespace that drives them. */
  public Map<String, Supplier<SessionFilter>> sessionFilters() {
    return Collections.unmodifiableMap(sessionFilters);
  }

  // ---- Disco ----

  @Override
  public SortedSet<String> serverFeatures() {
    SortedSet<String> all = new TreeSet<>(serverFeatures);
    all.addAll(serverIqs.namespaces());
    return Collections.unmodifiableSortedSet(all);
  }

  @Override
  public SortedSet<String> accountFeatures() {
    SortedSet<String> all = new TreeSet<>(accountFeatures);
    all.addAll(accountIqs.keySet());
    return Collections.unmodifiableSortedSet(all);
  }

  @Override
  public List<Identity> identities() {
    List<Identity> all = new ArrayList<>();
    all.add(SERVER);
    all.addAll(identities);
    return all;
  }

  @Override
  public List<Item> items() {
    Map<String, Item> all = new LinkedHashMap<>();
    for (Item i : List.copyOf(items)) {
      all.put(i.jid(), i);
    }
    Set<String> served = new TreeSet<>(components.localDomains());
    for (String d : served) {
      if (d.endsWith("." + domain)) {
        all.putIfAbsent(d, new Item(d, null));
      }
    }
    return List.copyOf(all.values());
  }
}
