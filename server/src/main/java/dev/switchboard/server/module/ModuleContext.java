package dev.switchboard.server.module;

import com.typesafe.config.Config;
import dev.switchboard.server.account.AccountStore;
import dev.switchboard.server.config.ServerConfig;
import dev.switchboard.server.hook.Hooks;
import dev.switchboard.server.routing.Router;
import dev.switchboard.server.store.BlockingExecutor;
import dev.switchboard.server.store.Database;
import dev.switchboard.server.store.GroupCommitter;

/**
 * What a module gets to work with. Everything arrives here, never through a global.
 *
 * @param options the module's own section {@code switchboard.modules.<name>} (empty if absent)
 * @param blocking where storage calls run, off actor and event-loop threads
 * @param committer group commit: durable writes batched across accounts, in order
 * @param features the server's and accounts' disco features, complete once all modules started
 * @param router the router
 */
public record ModuleContext(
    ServerConfig config,
    Config options,
    Database database,
    BlockingExecutor blocking,
    GroupCommitter committer,
    AccountStore accounts,
    Hooks hooks,
    DiscoFeatures features,
    Router router) {}
