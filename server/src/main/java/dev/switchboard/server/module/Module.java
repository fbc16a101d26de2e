package dev.switchboard.server.module;

import java.util.List;

/**
 * A feature module: one XEP or RFC feature, started once for each hosted domain that enables it (in
 * the spirit of ejabberd's gen_mod). {@link #start} returns the module's wiring as data (IQ
 * handlers, hooks, features, components); the server removes all of it when the module stops, so
 * nothing is unregistered by hand.
 *
 * <p>Life cycle: the server reads and validates the module's {@link #options} for the domain
 * (defaults declared here, overridden by {@code switchboard.modules.<name>}, then by {@code
 * switchboard.hosts."<domain>".modules.<name>}); starts the modules it {@link #requires} first;
 * calls {@link #start}; and on shutdown calls {@link #stop} in reverse order after removing the
 * module's registrations and stopping the actors it spawned.
 */
public interface Module {
  /** Short unique name, also the configuration section {@code switchboard.modules.<name>}. */
  String name();

  /** Modules that must start first; a missing or disabled one stops start-up naming it. */
  default List<String> requires() {
    return List.of();
  }

  /** The options this module reads, with their defaults and documentation. */
  default List<Option<?>> options() {
    return List.of();
  }

  /** Starts the module for one hosted domain ({@link ModuleContext#domain()}). */
  Registrations start(ModuleContext ctx);

  /** Releases what {@link #start} acquired beyond its registrations and actors (rarely needed). */
  default void stop() {}
}
