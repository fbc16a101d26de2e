package dev.switchboard.server.stream;

import dev.switchboard.xmpp.Element;
import java.util.List;
import java.util.Set;

/**
 * Server policy the stream machine consults for one hosted domain; the machine itself knows only
 * RFC 6120's states.
 *
 * @param domain the hosted domain
 * @param requireTls refuse authentication (and anything else) before TLS
 * @param mechanisms SASL mechanisms, in order of preference
 * @param plainInTheClear offer PLAIN on an unencrypted stream (benchmarks only)
 * @param preAuthFeatures extra features shown before authentication (e.g. in-band registration)
 * @param preAuthIqNamespaces IQ payload namespaces accepted before authentication
 * @param postAuthFeatures extra features shown after authentication (e.g. stream management)
 * @param preBindNamespaces nonza namespaces accepted after authentication and before a resource is
 *     bound (XEP-0198 resumption)
 * @param maxAuthFailures failed attempts before the connection is closed
 */
public record StreamPolicy(
    String domain,
    boolean requireTls,
    List<String> mechanisms,
    boolean plainInTheClear,
    List<Element> preAuthFeatures,
    Set<String> preAuthIqNamespaces,
    List<Element> postAuthFeatures,
    Set<String> preBindNamespaces,
    int maxAuthFailures) {
  public StreamPolicy {
    mechanisms = List.copyOf(mechanisms);
    preAuthFeatures = List.copyOf(preAuthFeatures);
    preAuthIqNamespaces = Set.copyOf(preAuthIqNamespaces);
    postAuthFeatures = List.copyOf(postAuthFeatures);
    preBindNamespaces = Set.copyOf(preBindNamespaces);
  }

  /** Mechanisms to offer on a stream in this security state. */
  public List<String> mechanismsFor(boolean secured) {
    if (secured || plainInTheClear) {
      return mechanisms;
    }
    return mechanisms.stream().filter(m -> !m.equals("PLAIN")).toList();
  }

  /** The stream policy of each hosted domain. */
  public interface Hosts {
    /** The policy for {@code domain}, or null when it is not hosted here. */
    StreamPolicy find(String domain);

    /** The domain a stream header names when the client asked for none that is hosted. */
    String fallbackDomain();
  }
}
