package dev.switchboard.server.delivery;

import dev.switchboard.xmpp.Element;

/**
 * A stanza to write to a session, with the key of its stored copy if it came from storage: once the
 * client acknowledges the stanza (XEP-0198), the key goes back to the account, whose offline
 * storage then deletes the copy.
 */
public record Delivery(Element stanza, String storedKey) {}
