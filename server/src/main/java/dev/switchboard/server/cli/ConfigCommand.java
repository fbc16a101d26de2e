package dev.switchboard.server.cli;

import dev.switchboard.server.Server;
import dev.switchboard.server.config.ConfigError;
import dev.switchboard.server.module.ModuleDocs;
import dev.switchboard.server.module.ModuleRegistry;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code switchboard config check|docs}: validate a configuration, or print the modules' options.
 */
@Command(
    name = "config",
    description = "Check a configuration, or print the options of the feature modules",
    subcommands = {ConfigCommand.Check.class, ConfigCommand.Docs.class})
public final class ConfigCommand {
  @Command(
      name = "docs",
      description = "Print every module's options (key, default, values, meaning) as Markdown")
  static final class Docs implements Callable<Integer> {
    @Override
    public Integer call() {
      System.out.print(ModuleDocs.markdown(Server.defaultModules()));
      return 0;
    }
  }

  @Command(
      name = "check",
      description =
          "Load and validate the configuration (file, flags, --set), module options included, as"
              + " start would, without starting")
  static final class Check implements Callable<Integer> {
    @Mixin ConfigOptions options;

    @Override
    public Integer call() {
      var cfg = options.load();
      try {
        ModuleRegistry.validate(
            Server.defaultModules(), cfg.raw().getConfig("switchboard"), cfg.hostedDomains());
      } catch (ConfigError e) {
        throw new UserError(e.getMessage());
      }
      System.out.println(
          "configuration is valid: serving " + String.join(", ", cfg.hostedDomains()));
      return 0;
    }
  }
}
