package dev.switchboard.server.user;

import dev.switchboard.xmpp.Element;

/**
 * A stanza to write to a session, with an optional receipt: when the client acknowledges the stanza
 * (XEP-0198), the receipt comes back to the account's features (offline storage deletes the stored
 * copy then).
 */
public record Delivery(Element stanza, String receipt) {}
