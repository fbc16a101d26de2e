package dev.switchboard.bench.load;

import picocli.CommandLine.Command;

/** {@code bench load SCENARIO}: the load generator's scenarios. */
@Command(
    name = "load",
    description = "Simulate many XMPP clients against a running server",
    subcommands = {IdleScenario.class, ChatScenario.class, LoginStormScenario.class})
public final class LoadCommand {}
