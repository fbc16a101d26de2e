package dev.switchboard.server.stream;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.StreamErrorCondition;

/** What the stream machine asks its session to do, in order. */
public sealed interface StreamAction {
  /** Send raw XML (stream header, features, negotiation elements). */
  record Send(String xml) implements StreamAction {}

  /** Send an element serialized in the jabber:client context. */
  record SendElement(Element element) implements StreamAction {}

  /** Layer TLS over the connection now; the proceed element has been sent. */
  record StartTls() implements StreamAction {}

  /**
   * Let the client's next bytes in. With {@code restart} a new parser takes over (stream restart);
   * with {@code established} the reader stops pausing after each element.
   */
  record ReadMore(boolean restart, boolean established) implements StreamAction {}

  /** Start a SASL exchange with the named mechanism and the decoded initial response, or null. */
  record SaslStart(String mechanism, byte[] initialResponse) implements StreamAction {}

  /** Hand the client's decoded SASL response to the running exchange. */
  record SaslContinue(byte[] response) implements StreamAction {}

  /** Authentication succeeded for this account (localpart). */
  record Authenticated(String username) implements StreamAction {}

  /** Bind a resource (null: the server picks one). Answer with Bound or BindRefused. */
  record Bind(String requestedResource, String iqId) implements StreamAction {}

  /** XEP-0198: resume the stream {@code previd}, the client having handled {@code h} stanzas. */
  record Resume(String previd, long h) implements StreamAction {}

  /** An IQ before authentication that policy routes to a handler (in-band registration). */
  record PreAuthIq(Element iq) implements StreamAction {}

  /** A stanza from the bound client, {@code from} already stamped; route it. */
  record Route(Element stanza) implements StreamAction {}

  /** A non-stanza top-level element after binding (e.g. XEP-0198's r/a); offer it to modules. */
  record Nonza(Element element) implements StreamAction {}

  /** End the stream with this error (header first if none was sent) and close. */
  record Fail(StreamErrorCondition condition, String text) implements StreamAction {}

  /** Close the stream cleanly ({@code </stream:stream>}) and the connection. */
  record Close() implements StreamAction {}
}
