package dev.switchboard.server.routing;

import dev.switchboard.server.delivery.Confirmation;
import dev.switchboard.server.iq.Iq;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.StanzaError;
import dev.switchboard.xmpp.StanzaErrorCondition;

/**
 * Decides where a stanza goes, and nothing else. Every stanza carries a server-stamped {@code
 * from}; its {@code to} names a {@link Destination}.
 *
 * <table>
 *   <caption>Routing rules (RFC 6120 section 10, RFC 6121 section 8)</caption>
 *   <tr><th>from a client, addressed to</th><th>goes to</th></tr>
 *   <tr><td>no {@code to}: message or IQ</td><td>the sender's own account (as if to its bare JID)</td></tr>
 *   <tr><td>any presence</td><td>the sender's own account's owner, which applies RFC 6121 4-5</td></tr>
 *   <tr><td colspan="2">then, by destination:</td></tr>
 *   <tr><td>an account of a hosted domain, bare or full JID</td><td>that account's owner actor
 *       (Cluster Sharding, wherever it lives), which applies RFC 6121 8.5</td></tr>
 *   <tr><td>a hosted domain itself (or domain/resource)</td><td>that domain's server IQ handlers;
 *       replies to the server's own requests go to {@link IqRequests}; other stanzas get {@code
 *       service-unavailable} or are dropped</td></tr>
 *   <tr><td>a component domain</td><td>the module that serves it ({@link ComponentRegistry}), on
 *       this node or another</td></tr>
 *   <tr><td>another domain</td><td>{@code remote-server-not-found}: no server-to-server yet</td></tr>
 * </table>
 *
 * <p>A message travels with its sender's {@link Confirmation}: it goes on with the message to an
 * account's owner, and is confirmed here when the message's journey ends here.
 */
public final class Router {
  private final HostedDomains hosted;
  private final ComponentRegistry components;
  private final AccountRoutes accounts;
  private final IqRequests requests;

  public Router(
      HostedDomains hosted,
      ComponentRegistry components,
      AccountRoutes accounts,
      ClusterDirectory directory) {
    this.hosted = hosted;
    this.components = components;
    this.accounts = accounts;
    this.requests = new IqRequests(this::route, directory);
  }

  public HostedDomains hosted() {
    return hosted;
  }

  /** The server's own IQ requests (modules that ask clients or other services). */
  public IqRequests requests() {
    return requests;
  }

  /** Where {@code to} points. */
  public Destination destination(Jid to) {
    if (to == null) {
      return new Destination.Nowhere();
    }
    String domain = to.domainPart();
    if (hosted.hosts(domain)) {
      return to.hasLocal() ? new Destination.Account(to) : new Destination.HostedDomain(domain);
    }
    if (components.serves(domain)) {
      return new Destination.Component(domain);
    }
    return new Destination.Remote(domain);
  }

  /**
   * A stanza from a bound client whose {@code from} the session has stamped. It goes through the
   * sender's own account's owner: messages are made durable there first (the sender's archive
   * copy), and nothing the client sent later overtakes them.
   */
  public void fromClient(Jid from, Element stanza, Confirmation confirmation) {
    if (stanza.attr("to") == null && !stanza.name().equals("presence")) {
      stanza = stanza.withTo(from.toBare());
    }
    accounts.fromSession(from, stanza, confirmation);
  }

  /** Routes a stanza with {@code from} and {@code to} set. */
  public void route(Element stanza) {
    route(stanza, null);
  }

  /** Routes a stanza; {@code confirmation}, if any, is confirmed once the stanza is handled. */
  public void route(Element stanza, Confirmation confirmation) {
    Jid to = stanza.toJid();
    if (to != null && to.hasLocal() && hosted.hosts(to.domainPart())) {
      // the common case, decided without a Destination (one object less per message)
      accounts.toAccount(to, stanza, confirmation);
      return;
    }
    switch (destination(to)) {
      case Destination.Account a -> {
        accounts.toAccount(a.address(), stanza, confirmation);
        return; // the account's owner confirms
      }
      case Destination.HostedDomain d -> toServer(d.domain(), stanza);
      case Destination.Component c -> {
        if (stanza.name().equals("iq") && requests.reply(stanza)) {
          break;
        }
        if (!components.route(c.domain(), stanza)) {
          bounce(stanza, StanzaErrorCondition.SERVICE_UNAVAILABLE); // withdrawn meanwhile
        }
      }
      case Destination.Remote r -> bounce(stanza, StanzaErrorCondition.REMOTE_SERVER_NOT_FOUND);
      case Destination.Nowhere n -> {}
    }
    Confirmation.confirm(confirmation);
  }

  private void toServer(String domain, Element stanza) {
    switch (stanza.name()) {
      case "iq" -> {
        if (requests.reply(stanza)) {
          return;
        }
        Iq iq = Iq.parse(stanza);
        if (iq != null) {
          hosted
              .serverIqs(domain)
              .dispatch(iq)
              .thenAccept(
                  reply -> {
                    if (reply != null) {
                      route(reply);
                    }
                  });
        } else if (!isReplyType(stanza)) {
          bounce(stanza, StanzaErrorCondition.BAD_REQUEST);
        }
      }
      case "message" -> {
        String type = stanza.attr("type");
        if (!"error".equals(type) && !"headline".equals(type)) {
          bounce(stanza, StanzaErrorCondition.SERVICE_UNAVAILABLE);
        }
      }
      default -> {} // presence to the server itself: nothing subscribes to it
    }
  }

  private static boolean isReplyType(Element stanza) {
    String type = stanza.attr("type");
    return "result".equals(type) || "error".equals(type);
  }

  /** Answers a stanza with an error, unless it is an error itself or presence (RFC 6120 8.3.1). */
  public void bounce(Element stanza, StanzaErrorCondition condition) {
    if ("error".equals(stanza.attr("type"))
        || "result".equals(stanza.attr("type")) && stanza.name().equals("iq")
        || stanza.name().equals("presence")
        || stanza.attr("from") == null) {
      return;
    }
    route(StanzaError.reply(stanza, condition, null));
  }
}
