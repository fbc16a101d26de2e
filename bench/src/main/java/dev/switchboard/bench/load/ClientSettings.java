package dev.switchboard.bench.load;

import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * What every simulated client of one run shares: where to connect, who it is and how it logs in.
 * Client {@code i} is {@code <prefix><first + i>@<domain>}.
 */
record ClientSettings(
    String host,
    List<Integer> ports,
    String domain,
    String userPrefix,
    int first,
    String password,
    String resource,
    String mechanism,
    boolean starttls,
    boolean directTls,
    boolean session,
    Duration loginTimeout,
    SslContext sslContext,
    Executor cpuPool) {

  /** The port client {@code index} connects to: the clients are spread over the ports. */
  int port(int index) {
    return ports.get(index % ports.size());
  }

  /** The localpart of client {@code index}. */
  String user(int index) {
    return userPrefix + (first + index);
  }

  /** The bare JID of client {@code index}. */
  String jid(int index) {
    return user(index) + "@" + domain;
  }
}
