package dev.switchboard.server.routing;

import dev.switchboard.server.delivery.Confirmation;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;

/**
 * Where stanzas for hosted accounts go: to each account's single owner, wherever in the cluster it
 * runs. Implemented by the account owners' package; the router only decides that a stanza is for an
 * account.
 */
public interface AccountRoutes {
  /** A stanza addressed to the account {@code to} (bare or full JID). */
  void toAccount(Jid to, Element stanza, Confirmation confirmation);

  /**
   * A stanza from one of the account's own sessions ({@code from}, a full JID) that its owner
   * passes on: messages become durable there first, and nothing the client sent later overtakes
   * them.
   */
  void fromSession(Jid from, Element stanza, Confirmation confirmation);
}
