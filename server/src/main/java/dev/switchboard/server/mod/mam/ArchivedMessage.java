package dev.switchboard.server.mod.mam;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import java.time.Instant;

/**
 * One message in one account's archive (XEP-0313).
 *
 * @param id the archive id, also the XEP-0359 stanza-id given to the owner; ids sort in archive
 *     order as strings (see {@link StanzaIds})
 * @param owner the archive's account (bare JID)
 * @param with the other party's bare JID
 * @param outgoing true when the owner sent it
 * @param timestamp when the server received it
 * @param originId the sender's XEP-0359 origin-id, or null
 * @param message the message as routed (from and to set), without stanza-id elements
 */
public record ArchivedMessage(
    String id,
    Jid owner,
    Jid with,
    boolean outgoing,
    Instant timestamp,
    String originId,
    Element message) {}
