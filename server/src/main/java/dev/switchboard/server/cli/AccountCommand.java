package dev.switchboard.server.cli;

import picocli.CommandLine.Command;

/** {@code switchboard account ...}: account administration on the data directory. */
@Command(name = "account", description = "Manage accounts")
public final class AccountCommand {}
