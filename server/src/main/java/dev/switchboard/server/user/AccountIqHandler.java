package dev.switchboard.server.user;

import dev.switchboard.server.iq.Iq;

/**
 * Answers IQs addressed to an account's bare JID (or sent without a {@code to}, RFC 6120 10.3.3)
 * for one payload namespace. Runs on the account's user actor; replies with {@link
 * UserContext#route}.
 */
@FunctionalInterface
public interface AccountIqHandler {
  void handle(UserContext ctx, Iq iq);
}
