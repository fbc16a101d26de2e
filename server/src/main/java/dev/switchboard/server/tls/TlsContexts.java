package dev.switchboard.server.tls;

import dev.switchboard.server.config.ServerConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The TLS credentials of every hosted domain, and the handler that picks one per connection: by the
 * server name the client indicates (SNI), the default domain's when it names none or an unknown
 * one.
 */
public final class TlsContexts {
  private final Map<String, TlsCredentials> credentials;
  private final SslContext defaultContext;
  private final Mapping<String, SslContext> byName;

  private TlsContexts(
      Map<String, TlsCredentials> credentials,
      SslContext defaultContext,
      Mapping<String, SslContext> byName) {
    this.credentials = credentials;
    this.defaultContext = defaultContext;
    this.byName = byName;
  }

  /** Loads (or generates) every hosted domain's certificate and key. */
  public static TlsContexts load(ServerConfig cfg) {
    Map<String, TlsCredentials> creds = new LinkedHashMap<>();
    creds.put(cfg.domain(), TlsCredentials.load(cfg));
    for (ServerConfig.VirtualHost h : cfg.hosts().values()) {
      creds.put(
          h.domain(),
          TlsCredentials.load(h.domain(), h.certificate(), h.privateKey(), cfg.dataDir()));
    }
    SslContext first = null;
    DomainWildcardMappingBuilder<SslContext> mapping = null;
    for (Map.Entry<String, TlsCredentials> e : creds.entrySet()) {
      SslContext ctx = e.getValue().serverContext(cfg.tls().protocols());
      if (first == null) {
        first = ctx;
        mapping = new DomainWildcardMappingBuilder<>(ctx);
      }
      mapping.add(e.getKey(), ctx);
    }
    return new TlsContexts(Collections.unmodifiableMap(creds), first, mapping.build());
  }

  /** A new handler for one connection: TLS with the certificate its client asks for. */
  public ChannelHandler newHandler(ByteBufAllocator alloc) {
    if (credentials.size() == 1) {
      return defaultContext.newHandler(alloc);
    }
    return new SniHandler(byName);
  }

  /** Every hosted domain's credentials, the default domain's first. */
  public Map<String, TlsCredentials> credentials() {
    return credentials;
  }
}
