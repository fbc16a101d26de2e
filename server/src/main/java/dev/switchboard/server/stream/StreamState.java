package dev.switchboard.server.stream;

import dev.switchboard.xmpp.Jid;

/**
 * The stream's negotiation state; immutable, replaced on each transition.
 *
 * @param phase where negotiation is
 * @param headerSent whether our stream header went out for the current stream
 * @param secured TLS is in place
 * @param startTlsPossible whether the transport can start TLS on this connection (TCP can)
 * @param domain the hosted domain the client asked for, once it did
 * @param username the authenticated localpart, or null
 * @param jid the bound full JID, or null
 * @param authFailures failed SASL attempts so far
 * @param streamId the id of our current stream header
 */
public record StreamState(
    Phase phase,
    boolean headerSent,
    boolean secured,
    boolean startTlsPossible,
    String domain,
    String username,
    Jid jid,
    int authFailures,
    String streamId) {

  public static StreamState initial(boolean secured, boolean startTlsPossible) {
    return new StreamState(
        Phase.AWAIT_HEADER, false, secured, startTlsPossible, null, null, null, 0, null);
  }

  StreamState phase(Phase p) {
    return new StreamState(
        p, headerSent, secured, startTlsPossible, domain, username, jid, authFailures, streamId);
  }

  StreamState opened(String host, String id) {
    return new StreamState(
        phase, true, secured, startTlsPossible, host, username, jid, authFailures, id);
  }

  StreamState withTls() {
    return new StreamState(
        Phase.AWAIT_HEADER, false, true, false, domain, username, jid, authFailures, null);
  }

  StreamState authenticated(String user) {
    return new StreamState(
        Phase.AWAIT_HEADER,
        false,
        secured,
        startTlsPossible,
        domain,
        user,
        jid,
        authFailures,
        streamId);
  }

  StreamState failedAuth() {
    return new StreamState(
        Phase.NEGOTIATING,
        headerSent,
        secured,
        startTlsPossible,
        domain,
        username,
        jid,
        authFailures + 1,
        streamId);
  }

  StreamState bound(Jid full) {
    return new StreamState(
        Phase.ESTABLISHED,
        headerSent,
        secured,
        startTlsPossible,
        domain,
        username,
        full,
        0,
        streamId);
  }

  public boolean authenticated() {
    return username != null;
  }
}
