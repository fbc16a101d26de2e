package dev.switchboard.server.routing;

import dev.switchboard.xmpp.Element;

/**
 * Serves a component domain (such as {@code conference.example.org}): every stanza addressed to the
 * domain or to a JID in it. Called on the router's caller's thread: hand the stanza to an actor (a
 * room's, say), never block.
 */
@FunctionalInterface
public interface ComponentHandler {
  void handle(Element stanza);
}
