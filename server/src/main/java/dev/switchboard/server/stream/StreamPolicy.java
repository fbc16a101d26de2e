package dev.switchboard.server.stream;

import dev.switchboard.xmpp.Element;
import java.util.List;

/**
 * Server policy the stream machine consults; the machine itself knows only RFC 6120's states.
 *
 * @param domain the served domain
 * @param tlsAvailable whether STARTTLS can be offered on this connection
 * @param requireTls refuse authentication (and anything else) before TLS
 * @param mechanisms SASL mechanisms, in order of preference
 * @param plainInTheClear offer PLAIN on an unencrypted stream (benchmarks only)
 * @param preAuthFeatures extra features shown before authentication (e.g. in-band registration)
 * @param preAuthIqNamespaces IQ payload namespaces accepted before authentication
 * @param postAuthFeatures extra features shown after authentication (e.g. stream management)
 * @param maxAuthFailures failed attempts before the connection is closed
 */
public record StreamPolicy(
    String domain,
    boolean tlsAvailable,
    boolean requireTls,
    List<String> mechanisms,
    boolean plainInTheClear,
    List<Element> preAuthFeatures,
    List<String> preAuthIqNamespaces,
    List<Element> postAuthFeatures,
    int maxAuthFailures) {
  public StreamPolicy {
    mechanisms = List.copyOf(mechanisms);
    preAuthFeatures = List.copyOf(preAuthFeatures);
    preAuthIqNamespaces = List.copyOf(preAuthIqNamespaces);
    postAuthFeatures = List.copyOf(postAuthFeatures);
  }

  /** Mechanisms to offer on a stream in this security state. */
  public List<String> mechanismsFor(boolean secured) {
    if (secured || plainInTheClear) {
      return mechanisms;
    }
    return mechanisms.stream().filter(m -> !m.equals("PLAIN")).toList();
  }
}
