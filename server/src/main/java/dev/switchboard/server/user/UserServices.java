package dev.switchboard.server.user;

import dev.switchboard.server.config.ServerConfig.ConflictPolicy;
import dev.switchboard.server.routing.Router;
import dev.switchboard.server.store.GroupCommitter;
import dev.switchboard.xmpp.Jid;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * What every user actor shares: the router, the group commit for durable writes, the features and
 * account IQ handlers modules registered, and how to learn whether an account exists.
 */
public record UserServices(
    Router router,
    GroupCommitter committer,
    ConflictPolicy conflictPolicy,
    Function<Jid, CompletionStage<Boolean>> accountExistence,
    List<UserFeature> features,
    Map<String, AccountIqHandler> accountIqs) {

  public CompletionStage<Boolean> accountExists(Jid bare) {
    return accountExistence.apply(bare);
  }
}
