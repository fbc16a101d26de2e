package dev.switchboard.server.module;

import dev.switchboard.server.account.AccountStore;
import dev.switchboard.server.config.ServerConfig;
import dev.switchboard.server.routing.Router;
import dev.switchboard.server.store.BlockingExecutor;
import dev.switchboard.server.store.Database;
import dev.switchboard.server.store.GroupCommitter;
import dev.switchboard.server.user.Owners;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The kernel's services every module may use, the same for every hosted domain.
 *
 * @param blocking where storage calls run, off actor and event-loop threads
 * @param committer group commit: durable writes batched across accounts, in order
 * @param owners the accounts' owner actors
 * @param system the actor system, for the actors modules run (see {@link ModuleActors})
 */
public record ModuleServices(
    ServerConfig config,
    Database database,
    BlockingExecutor blocking,
    GroupCommitter committer,
    AccountStore accounts,
    Router router,
    Owners owners,
    ActorSystem<?> system) {}
