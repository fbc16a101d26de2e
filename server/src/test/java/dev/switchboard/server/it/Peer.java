package dev.switchboard.server.it;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.Namespaces;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A logged-in {@link ScriptedClient} for conformance tests where the RFC does not fix the order of
 * what arrives: {@link #expect} looks for a matching element and keeps the others for later, and
 * {@link #sync} is a barrier that tells "nothing arrived" apart from "not yet".
 */
final class Peer implements AutoCloseable {
  static final String ROSTER = "jabber:iq:roster";
  private static final AtomicLong IDS = new AtomicLong();

  private final ScriptedClient client;
  private final List<Element> backlog = new ArrayList<>();
  private int stanzasRead;
  final Jid jid;

  private Peer(ScriptedClient client, Jid jid) {
    this.client = client;
    this.jid = jid;
  }

  /** Logs in over direct TLS with SASL PLAIN (password {@code "pw"}) and binds {@code resource}. */
  static Peer login(TestServer server, String user, String resource) throws Exception {
    ScriptedClient c = new ScriptedClient(server, true);
    c.open();
    return new Peer(c, Jid.parse(c.loginPlain(user, "pw", resource)));
  }

  /**
   * Logs in as {@link #login}, sends initial presence and waits until it was processed and came
   * back (RFC 6121 4.2.2: to the user's own resource too). Whatever else arrived meanwhile
   * (contacts' presence, pending subscription requests) is kept for {@link #expect}.
   */
  static Peer online(TestServer server, String user, String resource) throws Exception {
    Peer p = login(server, user, resource);
    p.send("<presence/>");
    p.expect(
        "the own initial presence",
        e -> isPresence(e, null, p.jid) && p.jid.toString().equals(e.attr("from")));
    p.backlog.addAll(p.sync());
    return p;
  }

  Jid bare() {
    return jid.toBare();
  }

  Peer send(String xml) throws Exception {
    client.send(xml);
    return this;
  }

  static String nextId() {
    return "t" + IDS.incrementAndGet();
  }

  /** The first element, kept or new, that matches; others are kept for later calls. */
  Element expect(String what, Predicate<Element> match) throws Exception {
    for (Iterator<Element> i = backlog.iterator(); i.hasNext(); ) {
      Element e = i.next();
      if (match.test(e)) {
        i.remove();
        return e;
      }
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      Element e = read(what);
      if (match.test(e)) {
        return e;
      }
      backlog.add(e);
    }
    throw new AssertionError(jid + " did not get " + what + "; got instead: " + backlog);
  }

  private Element read(String what) throws Exception {
    try {
      Element e = client.next();
      if (Namespaces.CLIENT.equals(e.namespace())) {
        stanzasRead++;
      }
      return e;
    } catch (AssertionError e) {
      throw new AssertionError(
          jid + " did not get " + what + " (" + e.getMessage() + "); got instead: " + backlog, e);
    }
  }

  /**
   * Everything kept and read before the first new element that matches, in the order it arrived,
   * and forgets it; the match itself is consumed. Sends nothing, so it serves where a {@link #sync}
   * ping would disturb what is tested.
   */
  List<Element> until(String what, Predicate<Element> match) throws Exception {
    List<Element> seen = new ArrayList<>(backlog);
    backlog.clear();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      Element e = read(what);
      if (match.test(e)) {
        return seen;
      }
      seen.add(e);
    }
    throw new AssertionError(jid + " did not get " + what + "; got instead: " + seen);
  }

  /** Stanzas (not nonzas) read from the server since login, for XEP-0198 counts. */
  int stanzasRead() {
    return stanzasRead;
  }

  /**
   * A barrier: pings this account's bare JID, then each of {@code through} in turn, each answered
   * by that account's user actor after everything that reached it before. Returns every element
   * that arrived before the last answer and had not been taken by {@link #expect}, and forgets
   * them.
   *
   * <p>Stanzas another account's actor routes here pass through this account's actor, so: to see
   * everything that a stanza sent by this client caused at a contact, sync through the contact; to
   * see everything another client's action caused here, first sync that client, then this one.
   */
  List<Element> sync(Jid... through) throws Exception {
    List<Jid> targets = new ArrayList<>();
    targets.add(bare());
    targets.addAll(List.of(through));
    for (Jid to : targets) {
      String id = nextId();
      send("<iq type='get' id='" + id + "' to='" + to + "'><ping xmlns='urn:xmpp:ping'/></iq>");
      Element pong = expect("the answer to ping " + id, e -> isIq(e, id));
      // an error answer (an address without an account) serves as a barrier all the same
      if (to.equals(bare()) && !"result".equals(pong.attr("type"))) {
        throw new AssertionError("ping of the own account failed: " + pong);
      }
    }
    List<Element> seen = new ArrayList<>(backlog);
    backlog.clear();
    return seen;
  }

  /** Sends an IQ (its {@code id} attribute must be {@code id}) and returns the answer. */
  Element iq(String id, String xml) throws Exception {
    send(xml);
    return expect("the answer to iq " + id, e -> isIq(e, id));
  }

  /** Fetches the roster, which also subscribes this resource to roster pushes. */
  Element rosterGet() throws Exception {
    String id = nextId();
    Element r = iq(id, "<iq type='get' id='" + id + "'><query xmlns='" + ROSTER + "'/></iq>");
    if (!"result".equals(r.attr("type"))) {
      throw new AssertionError("roster get failed: " + r);
    }
    return r;
  }

  /** The roster push for {@code contact}, as its {@code <item/>}. */
  Element push(Jid contact) throws Exception {
    Element iq = expect("a roster push for " + contact, e -> isPush(e, contact));
    return iq.child("query", ROSTER).child("item", ROSTER);
  }

  /** A presence stanza of {@code type} (null: available) from {@code from}'s bare JID. */
  Element presence(String type, Jid from) throws Exception {
    return expect(
        "presence type=" + type + " from " + from.toBare(), e -> isPresence(e, type, from));
  }

  static String subscription(String type, Jid to) {
    return "<presence type='" + type + "' to='" + to.toBare() + "'/>";
  }

  /** Lets everything in flight between these clients arrive, and forgets it. */
  static void settle(Peer... peers) throws Exception {
    for (int round = 0; round < 2; round++) {
      for (Peer p : peers) {
        List<Jid> others = new ArrayList<>();
        for (Peer o : peers) {
          if (o != p) {
            others.add(o.bare());
          }
        }
        p.sync(others.toArray(Jid[]::new));
      }
    }
  }

  /** {@code u} subscribes to {@code c}'s presence and {@code c} approves; then settles. */
  static void subscribe(Peer u, Peer c) throws Exception {
    u.send(subscription("subscribe", c.jid));
    c.presence("subscribe", u.jid);
    c.send(subscription("subscribed", u.jid));
    u.presence("subscribed", c.jid);
    settle(u, c);
  }

  /** Mutual subscription ("both" on each side), then settles. */
  static void befriend(Peer u, Peer c) throws Exception {
    subscribe(u, c);
    subscribe(c, u);
  }

  static boolean isIq(Element e, String id) {
    return e.name().equals("iq") && id.equals(e.attr("id"));
  }

  static boolean isPush(Element e, Jid contact) {
    if (!e.name().equals("iq") || !"set".equals(e.attr("type"))) {
      return false;
    }
    Element q = e.child("query", ROSTER);
    Element item = q == null ? null : q.child("item", ROSTER);
    return item != null && contact.toString().equals(item.attr("jid"));
  }

  static boolean isPresence(Element e, String type, Jid from) {
    if (!e.name().equals("presence")) {
      return false;
    }
    Jid f = Jid.tryParse(e.attr("from"));
    return f != null
        && f.toBare().equals(from.toBare())
        && (type == null ? e.attr("type") == null : type.equals(e.attr("type")));
  }

  static boolean isPresence(Element e) {
    return e.name().equals("presence");
  }

  /** The defined condition of an error stanza, or null. */
  static String errorCondition(Element stanza) {
    Element error = stanza.child("error", Namespaces.CLIENT);
    if (error == null) {
      return null;
    }
    Element condition = error.childIn(Namespaces.STANZAS);
    return condition == null ? null : condition.name();
  }

  /** Ends the session without unavailable presence or a stream close: a dropped TCP connection. */
  void drop() throws IOException {
    client.close();
  }

  /** Closes the stream cleanly and waits for the server to close it too. */
  void logout() throws Exception {
    client.send("</stream:stream>");
    client.closedByServer();
    client.close();
  }

  @Override
  public void close() throws IOException {
    client.close();
  }
}
