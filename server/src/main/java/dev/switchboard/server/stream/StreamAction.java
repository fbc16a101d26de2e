package dev.switchboard.server.stream;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.StreamErrorCondition;
import java.util.List;

/**
 * What the stream machine asks its session to do, in order. The framing ones ({@link OpenStream},
 * {@link SendFeatures}, {@link Send}, {@link Fail}, {@link Close}) go to the {@link
 * ClientConnection}, which writes them in its transport's form.
 */
public sealed interface StreamAction {
  /** Open our side of a stream: from {@code from} (the hosted domain), with this stream id. */
  record OpenStream(String from, String id) implements StreamAction {}

  /** Announce the stream features. */
  record SendFeatures(List<Element> features) implements StreamAction {
    public SendFeatures {
      features = List.copyOf(features);
    }
  }

  /** Send an element (a negotiation element or a stanza) in the jabber:client context. */
  record Send(Element element) implements StreamAction {}

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

  /** An IQ before authentication that policy routes to a handler (in-band registration). */
  record PreAuthIq(Element iq) implements StreamAction {}

  /** A stanza from the bound client, {@code from} already stamped; route it. */
  record Route(Element stanza) implements StreamAction {}

  /**
   * A top-level element outside {@code jabber:client} (XEP-0198's, XEP-0352's): the session's
   * extensions handle it. {@code beforeBind}: authenticated, no resource bound yet (XEP-0198
   * resumption happens then); the reader waits for a {@link ReadMore} afterwards.
   */
  record Nonza(Element element, boolean beforeBind) implements StreamAction {}

  /** End the stream with this error and close (our stream header has been sent). */
  record Fail(StreamErrorCondition condition, String text) implements StreamAction {}

  /** Close the stream cleanly and then the connection. */
  record Close() implements StreamAction {}
}
