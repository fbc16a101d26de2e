package dev.switchboard.server.user;

import dev.switchboard.server.delivery.Delivery;
import dev.switchboard.server.delivery.DurableWrites;
import dev.switchboard.server.hook.HookKey;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The hooks of an account's owner actor: where modules take part in routing, presence and delivery
 * decisions for one account. Handlers run on the owner's thread (no locking; {@link Loading} is the
 * exception), in ascending priority, and must not block: I/O goes through {@link
 * UserContext#await}, or is added as a stage to {@link Loading} and {@link SessionAvailable}, or as
 * a durable write to the events that carry {@link DurableWrites}.
 *
 * <p>The modules' priorities, in the order they run:
 *
 * <table>
 *   <caption>Who handles what</caption>
 *   <tr><th>priority</th><th>module</th><th>hooks</th></tr>
 *   <tr><td>{@value #ROSTER}</td><td>roster</td><td>loading; stanzas in and out (subscriptions);
 *       account deleted</td></tr>
 *   <tr><td>{@value #PRESENCE}</td><td>roster (presence)</td><td>loading; stanzas in and out
 *       (presence); session ended</td></tr>
 *   <tr><td>{@value #ARCHIVE}</td><td>mam</td><td>loading (preferences); sending and receiving
 *       (archive rows, stanza-id)</td></tr>
 *   <tr><td>{@value #OFFLINE}</td><td>offline</td><td>loading; undeliverable; session available;
 *       stored acknowledged</td></tr>
 *   <tr><td>{@value #CARBONS}</td><td>carbons</td><td>sending; delivered; session ended and
 *       rebound</td></tr>
 * </table>
 */
public final class AccountHooks {
  public static final int ROSTER = 100;
  public static final int PRESENCE = 200;
  public static final int ARCHIVE = 300;
  public static final int OFFLINE = 400;
  public static final int CARBONS = 500;

  private AccountHooks() {}

  /**
   * The owner actor starts: each module may add a stage that loads its per-account state; what the
   * stage yields runs on the actor's thread once all have loaded, and other work waits until then.
   * The only hook not run on the actor's thread (it runs where the account's existence was read),
   * so its handlers only start I/O and touch no account state.
   */
  public record Loading(Jid account, List<CompletionStage<Consumer<UserContext>>> stages) {
    public void load(CompletionStage<Consumer<UserContext>> stage) {
      stages.add(stage);
    }
  }

  public static final HookKey<Loading> LOADING = HookKey.of("account-loading", Loading.class);

  /** A presence or IQ addressed to the account (bare or full JID). Stop when handled. */
  public record StanzaIn(UserContext ctx, Element stanza) {}

  public static final HookKey<StanzaIn> STANZA_IN = HookKey.of("stanza-in", StanzaIn.class);

  /** A presence or IQ one of the account's own sessions sends. Stop when handled. */
  public record StanzaOut(UserContext ctx, SessionEntry from, Element stanza) {}

  public static final HookKey<StanzaOut> STANZA_OUT = HookKey.of("stanza-out", StanzaOut.class);

  /**
   * A message one of the account's sessions sends, before it goes on: add writes that must be
   * durable first (the sender's archive copy); replace the event to change the message.
   */
  public record Sending(UserContext ctx, SessionEntry from, Element message, DurableWrites writes) {
    public Sending withMessage(Element m) {
      return new Sending(ctx, from, m, writes);
    }
  }

  public static final HookKey<Sending> SENDING = HookKey.of("message-sending", Sending.class);

  /**
   * A message for the account, before delivery: add writes that must be durable first (the archive
   * copy); replace the event to change the message as delivered (a stanza-id).
   */
  public record Receiving(UserContext ctx, Element message, DurableWrites writes) {
    public Receiving withMessage(Element m) {
      return new Receiving(ctx, m, writes);
    }
  }

  public static final HookKey<Receiving> RECEIVING =
      HookKey.of("message-receiving", Receiving.class);

  /** A message was delivered to these sessions (carbons copy it to the others). */
  public record Delivered(UserContext ctx, Element message, List<SessionEntry> to) {}

  public static final HookKey<Delivered> DELIVERED =
      HookKey.of("message-delivered", Delivered.class);

  /**
   * A message found no session to take it. Stop when taken, having added the write that stores it
   * (offline storage); otherwise the sender gets service-unavailable.
   */
  public record Undeliverable(UserContext ctx, Element message, DurableWrites writes) {}

  public static final HookKey<Undeliverable> UNDELIVERABLE =
      HookKey.of("message-undeliverable", Undeliverable.class);

  /**
   * A session became available: modules add the stored messages to give it before anything else,
   * oldest first. Their stored keys come back in {@link StoredAcknowledged} once the client has
   * them.
   */
  public record SessionAvailable(
      UserContext ctx, SessionEntry session, List<CompletionStage<List<Delivery>>> stored) {
    public void add(CompletionStage<List<Delivery>> messages) {
      stored.add(messages);
    }
  }

  public static final HookKey<SessionAvailable> SESSION_AVAILABLE =
      HookKey.of("session-available", SessionAvailable.class);

  /**
   * A session ended, cleanly or not; {@code session} is its entry as it was, {@code finalPresence}
   * the unavailable presence it sent on closing, or null.
   */
  public record SessionEnded(UserContext ctx, SessionEntry session, Element finalPresence) {}

  public static final HookKey<SessionEnded> SESSION_ENDED =
      HookKey.of("session-ended", SessionEnded.class);

  /**
   * A session registered again with this (new) owner, handing back what modules asked it to keep
   * with {@link UserContext#keepForRebind}.
   */
  public record SessionRebound(UserContext ctx, SessionEntry session, Map<String, String> kept) {}

  public static final HookKey<SessionRebound> SESSION_REBOUND =
      HookKey.of("session-rebound", SessionRebound.class);

  /** The client acknowledged stanzas that came from storage, with these stored keys. */
  public record StoredAcknowledged(UserContext ctx, List<String> storedKeys) {}

  public static final HookKey<StoredAcknowledged> STORED_ACKNOWLEDGED =
      HookKey.of("stored-acknowledged", StoredAcknowledged.class);

  /** The account was deleted; its sessions have ended (see {@link SessionEnded}). */
  public record AccountDeleted(UserContext ctx) {}

  public static final HookKey<AccountDeleted> ACCOUNT_DELETED =
      HookKey.of("account-deleted", AccountDeleted.class);
}
