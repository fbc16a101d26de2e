package dev.switchboard.server.user;

import dev.switchboard.server.cluster.SessionRegistry;
import dev.switchboard.server.config.ServerConfig.ConflictPolicy;
import dev.switchboard.server.routing.Router;
import dev.switchboard.server.store.GroupCommitter;
import dev.switchboard.xmpp.Jid;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What every user actor shares: the router, the group commit for durable writes, the features and
 * account IQ handlers modules registered, how to learn whether an account exists, and which cluster
 * nodes are alive (unique addresses).
 */
public record UserServices(
    Router router,
    GroupCommitter committer,
    SessionRegistry registry,
    ConflictPolicy conflictPolicy,
    Function<Jid, CompletionStage<Boolean>> accountExistence,
    List<UserFeature> features,
    Map<String, AccountIqHandler> accountIqs,
    Supplier<Set<String>> liveNodes,
    LocalOwners localOwners) {

  public CompletionStage<Boolean> accountExists(Jid bare) {
    return accountExistence.apply(bare);
  }
}
