package dev.switchboard.server.user;

import dev.switchboard.server.hook.Hooks;
import java.util.Map;

/**
 * What the modules of one hosted domain registered for its accounts: hook handlers and the IQ
 * handlers for accounts' bare JIDs, by payload namespace. Both are live views: a module that starts
 * or stops later changes them.
 */
public record AccountExtensions(Hooks hooks, Map<String, AccountIqHandler> iqs) {
  /** For an address no module serves: no hooks, no IQ handlers. */
  public static AccountExtensions none() {
    return new AccountExtensions(new Hooks(), Map.of());
  }
}
