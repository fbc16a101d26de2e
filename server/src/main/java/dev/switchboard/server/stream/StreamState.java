package dev.switchboard.server.stream;

import dev.switchboard.xmpp.Jid;

/**
 * The stream's negotiation state; immutable, replaced on each transition.
 *
 * @param phase where negotiation is
 * @param headerSent whether our stream header went out for the current stream
 * @param secured TLS is in place
 * @param username the authenticated localpart, or null
 * @param jid the bound full JID, or null
 * @param authFailures failed SASL attempts so far
 * @param streamId the id of our current stream header
 */
public record StreamState(
    Phase phase,
    boolean headerSent,
    boolean secured,
    String username,
    Jid jid,
    int authFailures,
    String streamId) {

  public static StreamState initial(boolean secured) {
    return new StreamState(Phase.AWAIT_HEADER, false, secured, null, null, 0, null);
  }

  StreamState phase(Phase p) {
    return new StreamState(p, headerSent, secured, username, jid, authFailures, streamId);
  }

  StreamState headerSent(String id) {
    return new StreamState(phase, true, secured, username, jid, authFailures, id);
  }

  StreamState restarted(Phase p) {
    return new StreamState(p, false, secured, username, jid, authFailures, streamId);
  }

  StreamState withTls() {
    return new StreamState(Phase.AWAIT_HEADER, false, true, username, jid, authFailures, null);
  }

  StreamState authenticated(String user) {
    return new StreamState(Phase.AWAIT_HEADER, false, secured, user, jid, authFailures, streamId);
  }

  StreamState failedAuth() {
    return new StreamState(
        Phase.NEGOTIATING, headerSent, secured, username, jid, authFailures + 1, streamId);
  }

  StreamState bound(Jid full) {
    return new StreamState(Phase.ESTABLISHED, headerSent, secured, username, full, 0, streamId);
  }

  public boolean authenticated() {
    return username != null;
  }
}
