package dev.switchboard.server.module;

import dev.switchboard.server.hook.HookHandler;
import dev.switchboard.server.hook.HookKey;
import dev.switchboard.server.iq.IqHandler;
import dev.switchboard.server.session.SessionFilter;
import dev.switchboard.server.user.AccountIqHandler;
import dev.switchboard.server.user.UserFeature;
import dev.switchboard.xmpp.Element;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** A module's wiring, as data. Built with {@link #builder()}. */
public record Registrations(
    Map<String, IqHandler> serverIqs,
    Map<String, AccountIqHandler> accountIqs,
    List<String> serverFeatures,
    List<String> accountFeatures,
    List<UserFeature> userFeatures,
    List<HookRegistration<?>> hooks,
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
    private final List<UserFeature> userFeatures = new ArrayList<>();
    private final List<HookRegistration<?>> hooks = new ArrayList<>();
    private final List<Element> preAuthFeatures = new ArrayList<>();
    private final Map<String, PreAuthIqHandler> preAuthIqs = new LinkedHashMap<>();
    private final List<Element> postAuthFeatures = new ArrayList<>();
    private final Map<String, Supplier<SessionFilter>> sessionFilters = new LinkedHashMap<>();

    /** Handles IQs addressed to the server in this namespace; advertised in disco#info. */
    public Builder serverIq(String namespace, IqHandler h) {
      serverIqs.put(namespace, h);
      return this;
    }

    /** Handles IQs addressed to an account's bare JID in this namespace. */
    public Builder accountIq(String namespace, AccountIqHandler h) {
      accountIqs.put(namespace, h);
      return this;
    }

    /** A disco#info feature of the server not tied to an IQ namespace. */
    public Builder serverFeature(String var) {
      serverFeatures.add(var);
      return this;
    }

    /** A disco#info feature of accounts not tied to an IQ namespace. */
    public Builder accountFeature(String var) {
      accountFeatures.add(var);
      return this;
    }

    public Builder userFeature(UserFeature f) {
      userFeatures.add(f);
      return this;
    }

    public <E> Builder hook(HookKey<E> key, int priority, HookHandler<E> h) {
      hooks.add(new HookRegistration<>(key, priority, h));
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
          List.copyOf(userFeatures),
          List.copyOf(hooks),
          List.copyOf(preAuthFeatures),
          Map.copyOf(preAuthIqs),
          List.copyOf(postAuthFeatures),
          Map.copyOf(sessionFilters));
    }
  }
}
