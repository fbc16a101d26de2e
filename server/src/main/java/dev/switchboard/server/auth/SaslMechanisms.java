package dev.switchboard.server.auth;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/** Builds the configured mechanisms ({@code auth.mechanisms}) in order of preference. */
public final class SaslMechanisms {
  private SaslMechanisms() {}

  /** As {@link #create(List, Executor, int, PlainLoginCache)}: 4096 iterations, no cache. */
  public static List<SaslMechanism> create(List<String> names, Executor cpu) {
    return create(
        names, cpu, ScramMechanism.DEFAULT_DECOY_ITERATIONS, new PlainLoginCache(0, Duration.ZERO));
  }

  /**
   * @param names mechanism names such as "SCRAM-SHA-256", in the order to offer them
   * @param cpu where PLAIN runs PBKDF2
   * @param scramIterations the iteration count of new accounts, shown and spent for unknown users
   * @param plainCache what PLAIN remembers of passwords that passed lately
   * @throws IllegalArgumentException for a name that is not implemented
   */
  public static List<SaslMechanism> create(
      List<String> names, Executor cpu, int scramIterations, PlainLoginCache plainCache) {
    List<SaslMechanism> out = new ArrayList<>(names.size());
    for (String name : names) {
      out.add(
          switch (name) {
            case "SCRAM-SHA-256" ->
                new ScramMechanism(ScramHash.SHA_256, scramIterations, secret());
            case "SCRAM-SHA-1" -> new ScramMechanism(ScramHash.SHA_1, scramIterations, secret());
            case "PLAIN" -> new PlainMechanism(cpu, scramIterations, plainCache);
            default -> throw new IllegalArgumentException("unknown SASL mechanism " + name);
          });
    }
    return List.copyOf(out);
  }

  private static byte[] secret() {
    byte[] s = new byte[32];
    new SecureRandom().nextBytes(s);
    return s;
  }
}
