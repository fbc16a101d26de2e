package dev.switchboard.server.cli;

import dev.switchboard.server.config.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code switchboard cluster status|leave}: talks to a running node's HTTP admin endpoint (on
 * {@code http.bind-address:http.port}, loopback by default).
 */
@Command(
    name = "cluster",
    description = "Inspect or change cluster membership of a running node",
    subcommands = {ClusterCommand.Status.class, ClusterCommand.Leave.class})
public final class ClusterCommand {
  /** Where a node's admin endpoint is: --url, or the configuration's http settings. */
  static final class Target {
    @Mixin ConfigOptions options;

    @Option(
        names = "--url",
        paramLabel = "URL",
        description = "The node's HTTP address (default: from http.bind-address and http.port)")
    String url;

    String base() {
      if (url != null) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
      }
      ServerConfig c = options.load();
      if (c.http().port() == 0) {
        throw new UserError("http.port is 0 (off), so the node has no admin endpoint; use --url");
      }
      String host = c.http().bindAddress().equals("0.0.0.0") ? "127.0.0.1" : c.http().bindAddress();
      return "http://" + host + ":" + c.http().port();
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
      String base = base();
      try {
        return HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .build()
            .send(
                request.timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new UserError("no running node answers at " + base + " (" + e.getMessage() + ")");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UserError("interrupted");
      }
    }
  }

  /** Lists the members with their state and load. */
  @Command(name = "status", description = "List the cluster's nodes, their state and connections")
  static final class Status implements Callable<Integer> {
    @Mixin Target target;

    @Option(names = "--json", description = "Print the raw JSON")
    boolean json;

    @Override
    public Integer call() {
      HttpResponse<String> r =
          target.send(HttpRequest.newBuilder(URI.create(target.base() + "/admin/cluster")));
      if (r.statusCode() != 200) {
        throw new UserError("the node answered HTTP " + r.statusCode());
      }
      if (json) {
        System.out.println(r.body());
        return 0;
      }
      System.out.printf(
          "%-28s %-10s %-22s %11s %9s%n", "NODE", "STATE", "CLIENTS AT", "CONNECTIONS", "SESSIONS");
      Matcher m = MEMBER.matcher(r.body());
      while (m.find()) {
        String member = m.group();
        System.out.printf(
            "%-28s %-10s %-22s %11s %9s%n",
            field(member, "name", field(member, "address", "?")),
            field(member, "status", "?")
                + ("false".equals(field(member, "accepting", "")) ? "*" : ""),
            field(member, "c2s", "-"),
            field(member, "connections", "-"),
            field(member, "sessions", "-"));
      }
      return 0;
    }
  }

  /** Drains the node and has it leave the cluster. */
  @Command(
      name = "leave",
      description =
          "Drain the node (clients are sent to other nodes), hand its accounts over, and stop it")
  static final class Leave implements Callable<Integer> {
    @Mixin Target target;

    @Override
    public Integer call() {
      HttpResponse<String> r =
          target.send(
              HttpRequest.newBuilder(URI.create(target.base() + "/admin/cluster/leave"))
                  .POST(HttpRequest.BodyPublishers.noBody()));
      if (r.statusCode() != 202) {
        throw new UserError("the node answered HTTP " + r.statusCode());
      }
      System.out.println("leaving: the node drains and stops");
      return 0;
    }
  }

  private static final Pattern MEMBER = Pattern.compile("\\{\"address\"[^{}]*\\}");

  private static String field(String json, String name, String dflt) {
    Matcher m =
        Pattern.compile("\"" + name + "\":(\"((?:[^\"\\\\]|\\\\.)*)\"|[^,}]+)").matcher(json);
    if (!m.find()) {
      return dflt;
    }
    return m.group(2) != null ? m.group(2) : m.group(1);
  }
}
