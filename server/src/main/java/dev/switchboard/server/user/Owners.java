package dev.switchboard.server.user;

import dev.switchboard.server.delivery.Confirmation;
import dev.switchboard.server.routing.AccountRoutes;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import java.util.function.Function;
import org.apache.pekko.actor.typed.RecipientRef;

/**
 * Finds an account's owner actor: the one on this node directly when it has a session bound here
 * ({@link LocalOwners}), otherwise through Cluster Sharding, wherever it runs.
 */
public final class Owners implements AccountRoutes {
  private final LocalOwners local;
  private final Function<Jid, RecipientRef<UserActor.Command>> sharded;

  /**
   * @param sharded the sharded entity of a bare JID
   */
  public Owners(LocalOwners local, Function<Jid, RecipientRef<UserActor.Command>> sharded) {
    this.local = local;
    this.sharded = sharded;
  }

  /** The owner of the account of {@code jid} (bare or full). */
  public RecipientRef<UserActor.Command> of(Jid jid) {
    Jid bare = jid.toBare();
    RecipientRef<UserActor.Command> owner = local.get(bare);
    return owner != null ? owner : sharded.apply(bare);
  }

  @Override
  public void toAccount(Jid to, Element stanza, Confirmation confirmation) {
    of(to).tell(new UserActor.Incoming(stanza, confirmation));
  }

  @Override
  public void fromSession(Jid from, Element stanza, Confirmation confirmation) {
    of(from).tell(new UserActor.FromSession(from.resource(), stanza, confirmation));
  }
}
