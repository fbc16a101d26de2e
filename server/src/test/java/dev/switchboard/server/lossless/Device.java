package dev.switchboard.server.lossless;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.X509TrustManager;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.carbons.packet.CarbonExtension;
import org.jivesoftware.smackx.mam.element.MamElements.MamResultExtension;
import org.jivesoftware.smackx.sid.element.OriginIdElement;
import org.jivesoftware.smackx.sid.element.StanzaIdElement;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * One simulated mobile device: a Smack 4.4 {@code XMPPTCPConnection} through its own {@link
 * ChaosProxy}, with XEP-0198 stream management and resumption, recovering the way a good mobile
 * client does, and recording every numbered message it receives.
 *
 * <p>Recovery. When the connection is lost, the device connects again on the same connection
 * instance, which makes Smack try to resume the stream (and resend what the server had not
 * acknowledged). If the chaos asked for an "app restart", it drops the instance instead and logs in
 * fresh on a new one, so the server still holds the old session awaiting resumption. After a fresh
 * login (resumption failed, or an app restart) Smack sends initial presence, so offline messages
 * (XEP-0160) arrive; then the device turns carbons on (XEP-0280, unless told not to) and catches up
 * through the archive (XEP-0313). With carbons, an in-sync device sees every message to its
 * account: those to a sibling's full JID as received carbons.
 *
 * <p>Catch-up. The device keeps a <em>sync point</em>: the stanza-id (XEP-0359, {@code by} the own
 * bare JID) of the last message that arrived on an in-sync stream, or the last archive id of the
 * last completed catch-up. A catch-up queries the own archive with {@code after-id} = the sync
 * point (the whole archive if there is none, or if the server does not know that id any more) and
 * pages with RSM until {@code <fin complete='true'/>}. From the moment a reconnection starts until
 * such a catch-up completes the device is "catching up": arriving messages are recorded but do not
 * move the sync point, so an interrupted catch-up is simply repeated from the same point on the
 * next connection. A resumed stream needs no catch-up (unless one was still due).
 *
 * <p>All the work (connecting, sending, catching up) runs on the device's own thread; Smack's
 * listeners only record what arrived.
 */
public final class Device {
  /** Bodies of the numbered messages: {@code lossless:<user>/<resource>:<seq>}. */
  public static final String PREFIX = "lossless:";

  static final int PAGE = 100;
  private static final AtomicLong ARRIVALS = new AtomicLong();

  // Smack's own logging is noisy about connections cut on purpose; the reference keeps the
  // setting from being garbage-collected away
  private static final Logger SMACK_LOG = Logger.getLogger("org.jivesoftware");

  static {
    SMACK_LOG.setLevel(Level.SEVERE);
  }

  /** How a message reached the device. */
  public enum Via {
    /** on the stream, without a delay stamp */
    LIVE,
    /** on the stream with a XEP-0203 delay stamp: from offline storage */
    DELAYED,
    /** in a XEP-0280 received carbon: a copy of a message delivered to a sibling device */
    CARBON,
    /** in a XEP-0313 archive query result */
    MAM
  }

  /**
   * One reception of one numbered message.
   *
   * @param sender the sending device
   * @param seq the sender's sequence number
   * @param stanzaId the stanza-id {@code by} this account (the archive id for MAM results), or null
   *     if the message had none
   * @param via how it came
   * @param arrival a counter over all devices of the run: the order receptions were recorded in
   */
  public record Reception(String sender, long seq, String stanzaId, Via via, long arrival) {}

  /** Where a device sends a message: an account, and a resource or null for its bare JID. */
  public record Target(String user, String resource) {
    String jid() {
      return user + "@" + ServerProcess.DOMAIN + (resource == null ? "" : "/" + resource);
    }
  }

  private final String user;
  private final String resource;
  private final String password;
  private final String bare;
  private final ChaosProxy proxy;
  private final Supplier<X509TrustManager> trust;
  private final Ledger ledger;
  private final EventLog log;
  private final boolean carbons;
  private final boolean verbose;

  private volatile XMPPTCPConnection conn;
  private volatile int instance;

  /** Counts fresh logins: the stream messages are sent on (a resumption keeps it). */
  private volatile int stream;

  private long nextSeq = 1;
  private final List<Reception> received = new ArrayList<>();
  private String syncPoint;
  private boolean catchingUp = true;
  private volatile boolean appRestart;
  private volatile boolean finalCatchUpRequested;
  private volatile boolean finalCatchUpDone;
  private volatile boolean mamUnavailable;
  private volatile boolean carbonsUnavailable;

  /** Carbons are on for the current session (the device's thread only). */
  private boolean carbonsOn;

  final AtomicLong connects = new AtomicLong();
  final AtomicLong resumed = new AtomicLong();
  final AtomicLong fresh = new AtomicLong();
  final AtomicLong failedAttempts = new AtomicLong();
  final AtomicLong catchUps = new AtomicLong();
  final AtomicLong catchUpResults = new AtomicLong();
  final AtomicLong syncPointUnknown = new AtomicLong();
  final AtomicLong sentCount = new AtomicLong();
  final AtomicLong errorsReceived = new AtomicLong();

  Device(
      String user,
      String resource,
      String password,
      ChaosProxy proxy,
      Supplier<X509TrustManager> trust,
      Ledger ledger,
      EventLog log,
      boolean carbons,
      boolean verbose) {
    this.user = user;
    this.resource = resource;
    this.password = password;
    this.bare = user + "@" + ServerProcess.DOMAIN;
    this.proxy = proxy;
    this.trust = trust;
    this.ledger = ledger;
    this.log = log;
    this.carbons = carbons;
    this.verbose = verbose;
  }

  public String name() {
    return user + "/" + resource;
  }

  public String user() {
    return user;
  }

  public String resource() {
    return resource;
  }

  ChaosProxy proxy() {
    return proxy;
  }

  /** Everything received so far. */
  public synchronized List<Reception> received() {
    return List.copyOf(received);
  }

  synchronized int receivedCount() {
    return received.size();
  }

  public synchronized String syncPoint() {
    return syncPoint;
  }

  /** The XMPP stream the device sends on now (see {@link Ledger.Sent#stream}). */
  int stream() {
    return stream;
  }

  /** The connection instance (app start) the device uses now. */
  int instance() {
    return instance;
  }

  /** Online with an authenticated stream and nothing to catch up. */
  synchronized boolean inSync() {
    XMPPTCPConnection c = conn;
    return c != null && c.isAuthenticated() && !catchingUp && !appRestart;
  }

  boolean mamUnavailable() {
    return mamUnavailable;
  }

  /** Asks the device to drop its connection instance and log in fresh on a new one. */
  void requestAppRestart() {
    appRestart = true;
  }

  /** Asks for one more catch-up on the current stream (the end of a run). */
  void requestFinalCatchUp() {
    finalCatchUpDone = false;
    finalCatchUpRequested = true;
  }

  boolean finalCatchUpDone() {
    return finalCatchUpDone;
  }

  /** Asks the server for an acknowledgement of what this device sent; false if not possible. */
  boolean requestAck() {
    XMPPTCPConnection c = conn;
    try {
      if (c != null && c.isAuthenticated() && c.isSmEnabled()) {
        c.requestSmAcknowledgement();
        return true;
      }
    } catch (Exception e) {
      // the connection is going down; the device reconnects
    }
    return false;
  }

  // ---- the device's thread ----

  /**
   * One step of the device's loop: reconnect if needed, otherwise catch up if due, otherwise send a
   * message to {@code target} if it is not null.
   *
   * @return false if the device is offline (the caller backs off)
   */
  boolean step(Target target) throws InterruptedException {
    if (!ensureConnected()) {
      return false;
    }
    XMPPTCPConnection c = conn;
    try {
      boolean due;
      synchronized (this) {
        due = catchingUp;
      }
      if (carbons && !carbonsOn) {
        enableCarbons(c);
      }
      if (finalCatchUpRequested) {
        catchUp(c, "final");
        finalCatchUpRequested = false;
        finalCatchUpDone = true;
      } else if (due) {
        catchUp(c, "after reconnecting");
      } else if (target != null) {
        send(c, target);
      }
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      log.log(name() + " step failed: " + e);
    }
    return true;
  }

  private boolean ensureConnected() throws InterruptedException {
    XMPPTCPConnection c = conn;
    if (c != null && c.isAuthenticated() && !appRestart) {
      return true;
    }
    if (c != null && appRestart) {
      c.instantShutdown();
      log.log(name() + " app restart: drops connection instance " + instance);
      c = null;
    }
    if (c == null) {
      appRestart = false;
      c = newConnection();
      conn = c;
    }
    boolean wasCatchingUp;
    synchronized (this) {
      wasCatchingUp = catchingUp;
      catchingUp = true;
    }
    connects.incrementAndGet();
    boolean loggingIn = false;
    try {
      c.connect();
      loggingIn = true;
      if (!c.isAuthenticated()) {
        c.login();
      }
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      failedAttempts.incrementAndGet();
      log.log(name() + " connection attempt failed" + (loggingIn ? " in login: " : ": ") + e);
      if (c.isConnected()) {
        c.instantShutdown();
      }
      if (!loggingIn) {
        // nothing reached a stream: nothing arrived that the sync point could have missed
        synchronized (this) {
          catchingUp = wasCatchingUp;
        }
      }
      return false;
    }
    if (c.streamWasResumed()) {
      resumed.incrementAndGet();
      synchronized (this) {
        catchingUp = wasCatchingUp;
      }
      log.log(name() + " resumed on instance " + instance);
    } else {
      fresh.incrementAndGet();
      stream++;
      carbonsOn = false; // a new session
      log.log(name() + " logged in fresh on instance " + instance);
    }
    return true;
  }

  private XMPPTCPConnection newConnection() {
    try {
      XMPPTCPConnectionConfiguration cfg =
          XMPPTCPConnectionConfiguration.builder()
              .setXmppDomain(ServerProcess.DOMAIN)
              .setHost("127.0.0.1")
              .setPort(proxy.port())
              .setUsernameAndPassword(user, password)
              .setResource(resource)
              .setSecurityMode(SecurityMode.required)
              .setCustomX509TrustManager(trust.get())
              .setCompressionEnabled(false)
              .setConnectTimeout(5000)
              .build();
      XMPPTCPConnection c = new XMPPTCPConnection(cfg);
      // per connection, never Smack's JVM-wide defaults: other tests share this JVM
      c.setReplyTimeout(8000);
      c.setUseStreamManagement(true);
      c.setUseStreamManagementResumption(true);
      Roster.getInstanceFor(c).setRosterLoadedAtLogin(false);
      int inst = ++instance;
      c.addSyncStanzaListener(s -> onMessage((Message) s), StanzaTypeFilter.MESSAGE);
      c.addStanzaAcknowledgedListener(this::onAcknowledged);
      log.log(name() + " new connection instance " + inst);
      return c;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void send(XMPPTCPConnection c, Target t) throws Exception {
    long seq = nextSeq++;
    String id = user + "-" + resource + "-" + seq;
    Ledger.Sent s = new Ledger.Sent(name(), seq, t.user(), t.resource(), id, instance, stream);
    ledger.add(s);
    Jid to = JidCreate.from(t.jid());
    Message m =
        StanzaBuilder.buildMessage(id)
            .to(to)
            .ofType(Message.Type.chat)
            .setBody(PREFIX + name() + ":" + seq)
            .addExtension(new OriginIdElement(id))
            .build();
    c.sendStanza(m);
    ledger.handedOver(id);
    sentCount.incrementAndGet();
    if (verbose) {
      log.log(name() + " sent " + id + " to " + t.jid());
    }
  }

  /**
   * Turns XEP-0280 carbons on for this session (after a fresh login; a resumed session keeps them),
   * before the catch-up, so that whatever the catch-up does not return arrives live or as a carbon.
   */
  private void enableCarbons(XMPPTCPConnection c) throws Exception {
    try {
      c.sendIqRequestAndWaitForResponse(new CarbonsEnable());
      carbonsOn = true;
    } catch (XMPPErrorException e) {
      carbonsOn = true; // as on as they will get
      if (!carbonsUnavailable) {
        log.say(name() + " carbons unavailable: " + e.getStanzaError().getCondition());
      }
      carbonsUnavailable = true;
    }
  }

  /** {@code <enable xmlns='urn:xmpp:carbons:2'/>}. */
  static final class CarbonsEnable extends IQ {
    CarbonsEnable() {
      super("enable", CarbonExtension.NAMESPACE);
      setType(IQ.Type.set);
    }

    @Override
    protected IQChildElementXmlStringBuilder getIQChildElementBuilder(
        IQChildElementXmlStringBuilder xml) {
      xml.setEmptyElement();
      return xml;
    }
  }

  /**
   * Queries the own archive after the sync point until complete, recording the incoming numbered
   * messages; then the sync point is the last archive id seen and the device is in sync.
   */
  private void catchUp(XMPPTCPConnection c, String why) throws Exception {
    String from;
    synchronized (this) {
      from = syncPoint;
    }
    String afterId = from;
    String rsmAfter = null;
    String last = null;
    int results = 0;
    int pages = 0;
    try {
      while (true) {
        MamClient.Page page;
        try {
          page = MamClient.query(c, afterId, rsmAfter, PAGE);
        } catch (XMPPErrorException e) {
          StanzaError.Condition cond = e.getStanzaError().getCondition();
          if (afterId != null && cond == StanzaError.Condition.item_not_found) {
            syncPointUnknown.incrementAndGet();
            log.say(name() + " PROBLEM: the archive does not know the sync point " + afterId);
            afterId = null; // from the start of the archive
            continue;
          }
          if (cond == StanzaError.Condition.feature_not_implemented
              || cond == StanzaError.Condition.service_unavailable) {
            if (!mamUnavailable) {
              log.say(name() + " MAM unavailable (" + cond + "): catching up from offline only");
            }
            mamUnavailable = true;
            break;
          }
          throw e;
        }
        pages++;
        for (MamClient.Item item : page.items()) {
          Message m = item.message();
          Jid to = m.getTo();
          if (to != null && to.asBareJid().toString().equals(bare)) {
            record(m.getBody(), item.id(), Via.MAM);
            results++;
          }
          last = item.id();
        }
        if (page.complete() || page.items().isEmpty()) {
          break;
        }
        afterId = null;
        rsmAfter = page.last();
      }
    } finally {
      catchUpResults.addAndGet(results);
    }
    synchronized (this) {
      if (last != null) {
        syncPoint = last;
      }
      catchingUp = false;
    }
    catchUps.incrementAndGet();
    log.log(
        name()
            + " caught up ("
            + why
            + "): "
            + results
            + " incoming in "
            + pages
            + " pages after "
            + from
            + ", sync point now "
            + syncPoint());
  }

  // ---- Smack's threads ----

  private void onMessage(Message m) {
    if (MamResultExtension.from(m) != null) {
      return; // an archive query result, collected by MamClient
    }
    if (m.getType() == Message.Type.error) {
      Ledger.Sent mine = ledger.get(m.getStanzaId());
      if (mine != null) {
        StanzaError err = m.getError();
        String cond = err == null ? "?" : err.getCondition().toString();
        ledger.bounced(mine.id(), cond);
        errorsReceived.incrementAndGet();
        log.say(name() + " got an error for " + mine.id() + ": " + cond);
      }
      return;
    }
    CarbonExtension carbon = CarbonExtension.from(m);
    if (carbon != null) {
      // only the own account sends carbons; sent carbons are the siblings' outgoing messages
      if (m.getFrom() != null
          && m.getFrom().toString().equals(bare)
          && carbon.getDirection() == CarbonExtension.Direction.received) {
        Message inner = carbon.getForwarded().getForwardedStanza();
        record(inner.getBody(), stanzaId(inner), Via.CARBON);
      }
      return;
    }
    Via via = m.getExtensionElement("delay", "urn:xmpp:delay") != null ? Via.DELAYED : Via.LIVE;
    record(m.getBody(), stanzaId(m), via);
  }

  private void onAcknowledged(Stanza s) {
    if (s instanceof Message) {
      ledger.acked(s.getStanzaId());
      if (verbose) {
        log.log(name() + " acknowledged " + s.getStanzaId());
      }
    }
  }

  /** The stanza-id this account's server gave the message, or null. */
  private String stanzaId(Message m) {
    for (ExtensionElement e : m.getExtensions(StanzaIdElement.ELEMENT, StanzaIdElement.NAMESPACE)) {
      String by;
      String id;
      if (e instanceof StanzaIdElement s) {
        by = s.getBy();
        id = s.getId();
      } else if (e instanceof StandardExtensionElement x) {
        by = x.getAttributeValue("by");
        id = x.getAttributeValue("id");
      } else {
        continue;
      }
      if (bare.equals(by)) {
        return id;
      }
    }
    return null;
  }

  private void record(String body, String stanzaId, Via via) {
    if (body == null || !body.startsWith(PREFIX)) {
      return;
    }
    int colon = body.lastIndexOf(':');
    String sender = body.substring(PREFIX.length(), colon);
    long seq = Long.parseLong(body.substring(colon + 1));
    Reception r;
    synchronized (this) {
      r = new Reception(sender, seq, stanzaId, via, ARRIVALS.incrementAndGet());
      received.add(r);
      if (!catchingUp && via != Via.MAM && stanzaId != null) {
        syncPoint = stanzaId;
      }
    }
    if (verbose) {
      log.log(name() + " received " + r);
    }
  }

  /** Ends the connection without a goodbye. */
  void shutdown() {
    XMPPTCPConnection c = conn;
    if (c != null) {
      c.instantShutdown();
    }
  }

  /** The current connection, for the archive audit at the end; null if there is none. */
  XMPPTCPConnection connection() {
    return conn;
  }

  @Override
  public String toString() {
    return name();
  }
}
