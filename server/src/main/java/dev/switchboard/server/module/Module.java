package dev.switchboard.server.module;

import java.util.List;

/**
 * A feature module: one XEP or RFC feature. {@link #start} returns the module's wiring as data (IQ
 * handlers, hooks, features); the server removes all of it on stop, so nothing is unregistered by
 * hand.
 */
public interface Module {
  /** Short unique name, also the configuration section {@code switchboard.modules.<name>}. */
  String name();

  /** Modules that must start first; a missing one stops start-up with a message naming it. */
  default List<String> requires() {
    return List.of();
  }

  Registrations start(ModuleContext ctx);
}
