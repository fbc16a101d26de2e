package dev.switchboard.server.routing;

import dev.switchboard.server.iq.Iq;
import dev.switchboard.server.iq.ServerIqs;
import dev.switchboard.server.user.Ack;
import dev.switchboard.server.user.UserActor;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.StanzaError;
import dev.switchboard.xmpp.StanzaErrorCondition;
import java.util.function.Function;
import org.apache.pekko.actor.typed.RecipientRef;

/**
 * Decides where a stanza goes, and nothing else. Every stanza carries a server-stamped {@code
 * from}.
 *
 * <table>
 *   <caption>Routing rules (RFC 6120 section 10, RFC 6121 section 8)</caption>
 *   <tr><th>from a client, addressed to</th><th>goes to</th></tr>
 *   <tr><td>no {@code to}: message or IQ</td><td>the sender's own account (as if to its bare JID)</td></tr>
 *   <tr><td>any presence</td><td>the sender's own user actor, which applies RFC 6121 4-5</td></tr>
 *   <tr><td>the server's domain (or domain/resource)</td><td>server IQ handlers; other stanzas
 *       get {@code service-unavailable} or are dropped</td></tr>
 *   <tr><td>a local account, bare or full JID</td><td>that account's user actor (Cluster Sharding,
 *       wherever it lives), which applies RFC 6121 8.5</td></tr>
 *   <tr><td>another domain</td><td>{@code remote-server-not-found}: no server-to-server yet</td></tr>
 * </table>
 */
public final class Router {
  private final String domain;
  private final Function<Jid, RecipientRef<UserActor.Command>> users;
  private final ServerIqs serverIqs;

  public Router(
      String domain, Function<Jid, RecipientRef<UserActor.Command>> users, ServerIqs serverIqs) {
    this.domain = domain;
    this.users = users;
    this.serverIqs = serverIqs;
  }

  public String domain() {
    return domain;
  }

  /** The user actor that owns this account. */
  public RecipientRef<UserActor.Command> user(Jid jid) {
    return users.apply(jid.toBare());
  }

  /**
   * A stanza from a bound client whose {@code from} the session has stamped. It goes through the
   * sender's own user actor: messages are made durable there first (the sender's archive copy), and
   * nothing the client sent later overtakes them. {@code ack} is told when a message is handled;
   * other stanzas are handled once routed, and {@code ack} is not used.
   */
  public void fromClient(Jid from, Element stanza, Ack ack) {
    if (stanza.attr("to") == null && !stanza.name().equals("presence")) {
      stanza = stanza.withTo(from.toBare());
    }
    // everything goes through the sender's own user actor, which passes stanzas on in the order
    // they came, messages included (theirs wait for their durable writes)
    user(from).tell(new UserActor.FromSession(from.resource(), stanza, ack));
  }

  /** Routes a stanza with {@code from} and {@code to} set. */
  public void route(Element stanza) {
    route(stanza, null);
  }

  /** Routes a stanza; {@code ack}, if any, is told once the stanza is handled. */
  public void route(Element stanza, Ack ack) {
    Jid to = stanza.toJid();
    if (to == null) {
      Ack.confirm(ack);
      return;
    }
    if (!to.domainPart().equals(domain)) {
      bounce(stanza, StanzaErrorCondition.REMOTE_SERVER_NOT_FOUND);
      Ack.confirm(ack);
      return;
    }
    if (!to.hasLocal()) {
      toServer(stanza);
      Ack.confirm(ack);
      return;
    }
    user(to).tell(new UserActor.Incoming(stanza, ack));
  }

  private void toServer(Element stanza) {
    switch (stanza.name()) {
      case "iq" -> {
        Iq iq = Iq.parse(stanza);
        if (iq != null) {
          serverIqs
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
