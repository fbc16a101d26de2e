package dev.switchboard.server.module;

import dev.switchboard.server.hook.HookHandler;
import dev.switchboard.server.hook.HookKey;
import dev.switchboard.server.hook.HookResult;
import dev.switchboard.server.iq.IqHandler;
import dev.switchboard.server.routing.ComponentHandler;
import dev.switchboard.server.session.SessionFilter;
import dev.switchboard.server.user.AccountIqHandler;
import dev.switchboard.xmpp.Element;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A module's wiring for one hosted domain, as data. Built with {@link #builder()}; the server adds
 * all of it when the module starts and removes all of it when the module stops.
 *
 * @param serverIqs IQ handlers of the domain itself, by payload namespace (advertised in disco)
 * @param accountIqs IQ handlers of accounts' bare JIDs, by payload namespace (advertised in disco)
 * @param serverFeatures disco#info features of the domain not tied to an IQ namespace
 * @param accountFeatures disco#info features of accounts not tied to an IQ namespace
 * @param identities disco#info identities of the domain
 * @param items disco#items of the domain (component domains are added by themselves)
 * @param hooks hook handlers, with their priorities
 * @param components component domains served, with their handlers
 * @param preAuthFeatures stream features before authentication
 * @param preAuthIqs IQ handlers before authentication, by payload namespace
 * @param postAuthFeatures stream features after authentication
 * @param sessionFilters per-session filter factories, by the nonza namespace that drives them
 */
public record Registrations(
    Map<String, IqHandler> serverIqs,
    Map<String, AccountIqHandler> accountIqs,
    List<String> serverFeatures,
    List<String> accountFeatures,
    List<Disco.Identity> identities,
    List<Disco.Item> items,
    List<HookRegistration<?>> hooks,
    Map<String, ComponentHandler> components,
    List<Element> preAuthFeatures,
    Map<String, PreAuthIqHandler> preAuthIqs,
    List<Element> postAuthFeatures,
    Map<String, Supplier<SessionFilter>> sessionFilters) {

  /** One hook handler with its priority (low runs first). */
  public record HookRegistration<E>(HookKey<E> key, int priority, HookHandler<E> handler) {}

  public static Builder builder() {
    return new Builder();
  }

  public static Registrations none() {
    return builder().build();
  }

  /** Collects a module's registrations. */
  public static final class Builder {
    private final Map<String, IqHandler> serverIqs = new LinkedHashMap<>();
    private final Map<String, AccountIqHandler> accountIqs = new LinkedHashMap<>();
    private final List<String> serverFeatures = new ArrayList<>();
    private final List<String> accountFeatures = new ArrayList<>();
    private final List<Disco.Identity> identities = new ArrayList<>();
    private final List<Disco.Item> items = new ArrayList<>();
    private final List<HookRegistration<?>> hooks = new ArrayList<>();
    private final Map<String, ComponentHandler> components = new LinkedHashMap<>();
    private final List<Element> preAuthFeatures = new ArrayList<>();
    private final Map<String, PreAuthIqHandler> preAuthIqs = new LinkedHashMap<>();
    private final List<Element> postAuthFeatures = new ArrayList<>();
    private final Map<String, Supplier<SessionFilter>> sessionFilters = new LinkedHashMap<>();

    /** Handles IQs addressed to the domain in this namespace; advertised in disco#info. */
    public Builder serverIq(String namespace, IqHandler h) {
      serverIqs.put(namespace, h);
      return this;
    }

    /** Handles IQs addressed to an account's bare JID in this namespace. */
    public Builder accountIq(String namespace, AccountIqHandler h) {
      accountIqs.put(namespace, h);
      return this;
    }

    /** A disco#info feature of the domain not tied to an IQ namespace. */
    public Builder serverFeature(String var) {
      serverFeatures.add(var);
      return this;
    }

    /** A disco#info feature of accounts not tied to an IQ namespace. */
    public Builder accountFeature(String var) {
      accountFeatures.add(var);
      return this;
    }

    /** A disco#info identity of the domain. */
    public Builder identity(String category, String type, String name) {
      identities.add(new Disco.Identity(category, type, name));
      return this;
    }

    /** A disco#items entry of the domain. */
    public Builder item(String jid, String name) {
      items.add(new Disco.Item(jid, name));
      return this;
    }

    /**
     * Runs {@code action} for {@code key}'s events, at {@code priority}, and lets later handlers
     * run: for handlers that only observe an event or add to it.
     */
    public <E> Builder on(HookKey<E> key, int priority, Consumer<E> action) {
      return hook(
          key,
          priority,
          e -> {
            action.accept(e);
            return HookResult.proceed();
          });
    }

    /** Runs {@code h} for {@code key}'s events, at {@code priority} (low first). */
    public <E> Builder hook(HookKey<E> key, int priority, HookHandler<E> h) {
      hooks.add(new HookRegistration<>(key, priority, h));
      return this;
    }

    /**
     * Serves the component domain {@code domain}: every stanza to it or a JID in it goes to {@code
     * handler}, from any node of the cluster. The domain is listed in the host's disco#items.
     */
    public Builder component(String domain, ComponentHandler handler) {
      components.put(domain, handler);
      return this;
    }

    public Builder preAuthFeature(Element feature) {
      preAuthFeatures.add(feature);
      return this;
    }

    public Builder preAuthIq(String namespace, PreAuthIqHandler h) {
      preAuthIqs.put(namespace, h);
      return this;
    }

    public Builder postAuthFeature(Element feature) {
      postAuthFeatures.add(feature);
      return this;
    }

    /**
     * Nonzas in {@code namespace} go to a per-session filter made by {@code factory}, which then
     * sees every stanza that session writes (see {@link SessionFilter}).
     */
    public Builder sessionFilter(String namespace, Supplier<SessionFilter> factory) {
      sessionFilters.put(namespace, factory);
      return this;
    }

    public Registrations build() {
      return new Registrations(
          Map.copyOf(serverIqs),
          Map.copyOf(accountIqs),
          List.copyOf(serverFeatures),
          List.copyOf(accountFeatures),
          List.copyOf(identities),
          List.copyOf(items),
          List.copyOf(hooks),
          Map.copyOf(components),
          List.copyOf(preAuthFeatures),
          Map.copyOf(preAuthIqs),
          List.copyOf(postAuthFeatures),
          Map.copyOf(sessionFilters));
    }
  }
}
