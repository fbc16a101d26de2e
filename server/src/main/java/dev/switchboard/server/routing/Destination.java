package dev.switchboard.server.routing;

import dev.switchboard.xmpp.Jid;

/** Where a stanza's {@code to} points, as the {@link Router} sorts it. */
public sealed interface Destination {
  /** An account of a hosted domain (bare or full JID). */
  record Account(Jid address) implements Destination {}

  /** A hosted domain itself, with or without a resource: the server answers. */
  record HostedDomain(String domain) implements Destination {}

  /** A domain a module serves as a component, on this node or another node of the cluster. */
  record Component(String domain) implements Destination {}

  /** Any other domain. There is no server-to-server federation yet. */
  record Remote(String domain) implements Destination {}

  /** No {@code to} at all. */
  record Nowhere() implements Destination {}
}
