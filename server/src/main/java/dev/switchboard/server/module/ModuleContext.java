package dev.switchboard.server.module;

import dev.switchboard.server.account.AccountStore;
import dev.switchboard.server.config.ServerConfig;
import dev.switchboard.server.routing.IqRequests;
import dev.switchboard.server.routing.Router;
import dev.switchboard.server.store.BlockingExecutor;
import dev.switchboard.server.store.Database;
import dev.switchboard.server.store.GroupCommitter;
import dev.switchboard.server.user.Owners;

/**
 * What a module gets to work with for one hosted domain. Everything arrives here, never through a
 * global.
 */
public final class ModuleContext {
  private final String domain;
  private final ModuleServices services;
  private final ModuleOptions options;
  private final Disco disco;
  private final ModuleActors actors;

  ModuleContext(
      String domain,
      ModuleServices services,
      ModuleOptions options,
      Disco disco,
      ModuleActors actors) {
    this.domain = domain;
    this.services = services;
    this.options = options;
    this.disco = disco;
    this.actors = actors;
  }

  /** The hosted domain the module is started for. */
  public String domain() {
    return domain;
  }

  /** The value of one of the module's declared {@link Module#options}, for this domain. */
  public <T> T option(Option<T> option) {
    return options.get(option);
  }

  /** The server's configuration (for settings outside the module's own options). */
  public ServerConfig config() {
    return services.config();
  }

  public Database database() {
    return services.database();
  }

  /** Where storage calls run, off actor and event-loop threads. */
  public BlockingExecutor blocking() {
    return services.blocking();
  }

  /** Group commit: durable writes batched across accounts, in order. */
  public GroupCommitter committer() {
    return services.committer();
  }

  public AccountStore accounts() {
    return services.accounts();
  }

  public Router router() {
    return services.router();
  }

  /** The accounts' owner actors. */
  public Owners owners() {
    return services.owners();
  }

  /** IQ requests of the server's own, with their replies (and a timeout). */
  public IqRequests iqs() {
    return services.router().requests();
  }

  /** The domain's service discovery, complete once every module has started. */
  public Disco disco() {
    return disco;
  }

  /** Actors and sharded entities the module runs; they stop with it. */
  public ModuleActors actors() {
    return actors;
  }
}
