package dev.switchboard.server.user;

import dev.switchboard.server.cluster.SessionRegistry;
import dev.switchboard.server.config.ServerConfig.ConflictPolicy;
import dev.switchboard.server.routing.Router;
import dev.switchboard.server.store.GroupCommitter;
import dev.switchboard.xmpp.Jid;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What every account's owner actor shares: the router, the group commit for durable writes, the
 * session registry, how to learn whether an account exists, the modules' extensions of each hosted
 * domain, and which cluster nodes are alive (unique addresses).
 */
public record UserServices(
    Router router,
    GroupCommitter committer,
    SessionRegistry registry,
    ConflictPolicy conflictPolicy,
    Function<Jid, CompletionStage<Boolean>> accountExistence,
    Function<String, AccountExtensions> extensions,
    Supplier<Set<String>> liveNodes,
    LocalOwners localOwners) {

  public CompletionStage<Boolean> accountExists(Jid bare) {
    return accountExistence.apply(bare);
  }
}
