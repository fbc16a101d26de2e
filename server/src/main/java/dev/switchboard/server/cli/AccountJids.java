package dev.switchboard.server.cli;

import dev.switchboard.xmpp.Jid;

/** Reads an account JID from the command line, explaining in one line what is wrong with it. */
final class AccountJids {
  private AccountJids() {}

  static Jid parse(String text) {
    Jid jid;
    try {
      jid = Jid.parse(text);
    } catch (Jid.InvalidJidException e) {
      throw new UserError("'" + text + "' is not a valid JID: " + e.getMessage());
    }
    if (jid.isFull()) {
      throw new UserError(
          "'" + text + "' has a resource; give the bare JID " + jid.toBare() + " instead");
    }
    if (!jid.hasLocal()) {
      throw new UserError(
          "'" + text + "' has no localpart; give a JID such as alice@" + jid.domainPart());
    }
    return jid;
  }
}
