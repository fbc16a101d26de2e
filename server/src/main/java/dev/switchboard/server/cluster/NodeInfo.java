package dev.switchboard.server.cluster;

/**
 * What one node tells the others about itself.
 *
 * @param name the node's name ({@code cluster.node-name}, or its cluster address)
 * @param address its cluster address (pekko://switchboard@host:port)
 * @param c2sHost where clients reach it, for redirects
 * @param c2sPort its STARTTLS port
 * @param connections open client connections
 * @param sessions bound resources
 * @param accepting false while it drains before leaving
 */
public record NodeInfo(
    String name,
    String address,
    String c2sHost,
    int c2sPort,
    int connections,
    int sessions,
    boolean accepting)
    implements CborSerializable {}
