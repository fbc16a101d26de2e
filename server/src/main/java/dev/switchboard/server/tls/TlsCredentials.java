package dev.switchboard.server.tls;

import dev.switchboard.server.config.ConfigError;
import dev.switchboard.server.config.ServerConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's certificate chain and private key, read from the configured PEM files or, when none
 * are configured, from a self-signed pair generated into {@code <data-dir>/tls/} on first start.
 * Loading checks what would otherwise fail only at the first TLS handshake: that the files exist,
 * hold a certificate, and that the key belongs to it.
 */
public final class TlsCredentials {
  private static final Logger LOG = LoggerFactory.getLogger(TlsCredentials.class);
  private static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

  private final List<X509Certificate> chain;
  private final PrivateKey privateKey;
  private final Path certificatePath;
  private final String fingerprint;
  private final boolean selfSigned;

  private TlsCredentials(List<X509Certificate> chain, PrivateKey privateKey, Path certificatePath) {
    this.chain = chain;
    this.privateKey = privateKey;
    this.certificatePath = certificatePath;
    this.fingerprint = fingerprint(chain.get(0));
    this.selfSigned = isSelfSigned(chain.get(0));
  }

  /**
   * Loads the credentials the configuration names, generating the self-signed pair if needed.
   *
   * @throws ConfigError naming the file and the problem
   */
  public static TlsCredentials load(ServerConfig cfg) {
    return load(cfg.domain(), cfg.tls().certificate(), cfg.tls().privateKey(), cfg.dataDir());
  }

  /**
   * Loads the credentials of one hosted domain: the PEM files named, or (both empty) the
   * self-signed pair generated for the domain in {@code <dataDir>/tls/}.
   *
   * @throws ConfigError naming the file and the problem
   */
  public static TlsCredentials load(
      String domain, String certificate, String privateKey, Path dataDir) {
    if (certificate.isEmpty()) {
      return loadGenerated(domain, dataDir.resolve("tls"));
    }
    return fromFiles(Path.of(certificate), Path.of(privateKey));
  }

  private static TlsCredentials loadGenerated(String domain, Path dir) {
    Path cert = dir.resolve(domain + ".crt");
    Path key = dir.resolve(domain + ".key");
    if (!Files.exists(cert) || !Files.exists(key)) {
      if (Files.exists(cert) || Files.exists(key)) {
        LOG.warn("{} or {} is missing; generating a new certificate and key", cert, key);
      }
      try {
        Files.createDirectories(dir);
        SelfSignedCertificate.generate(domain, cert, key);
      } catch (IOException e) {
        throw new ConfigError(
            "cannot write the generated TLS certificate to " + dir + ": " + PemFiles.describe(e));
      }
      TlsCredentials created = fromFiles(cert, key);
      LOG.info(
          "generated a self-signed certificate for {} in {} (SHA-256 {})",
          domain,
          cert,
          created.sha256Fingerprint());
      return created;
    }
    return fromFiles(cert, key);
  }

  private static TlsCredentials fromFiles(Path certFile, Path keyFile) {
    List<X509Certificate> chain = PemFiles.readChain(certFile);
    PrivateKey key = PemFiles.readPrivateKey(keyFile);
    if (!matches(key, chain.get(0).getPublicKey(), keyFile)) {
      throw PemFiles.error(
          PemFiles.PRIVATE_KEY,
          keyFile,
          "does not match the public key of the first certificate in " + certFile);
    }
    warnIfNotCurrent(chain.get(0), certFile);
    return new TlsCredentials(chain, key, certFile);
  }

  /**
   * A Netty server context offering only {@code protocols} (TLSv1.2 and/or TLSv1.3) with Netty's
   * default secure cipher suites and no client certificates. Uses OpenSSL when netty-tcnative is
   * present, the JDK's TLS otherwise.
   */
  public SslContext serverContext(List<String> protocols) {
    if (protocols.isEmpty() || !PROTOCOLS.containsAll(protocols)) {
      throw new IllegalArgumentException("protocols must be TLSv1.2 and/or TLSv1.3: " + protocols);
    }
    SslProvider provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    try {
      return SslContextBuilder.forServer(privateKey, chain.toArray(X509Certificate[]::new))
          .sslProvider(provider)
          .protocols(protocols)
          .clientAuth(ClientAuth.NONE)
          .build();
    } catch (SSLException e) {
      throw PemFiles.error(
          PemFiles.CERTIFICATE, certificatePath, "cannot be used for TLS (" + e.getMessage() + ")");
    }
  }

  /**
   * Which TLS implementation {@link #serverContext} uses: BoringSSL through netty-tcnative where
   * its native build loads (a third less CPU per STARTTLS login and a third less memory per TLS
   * connection than the JDK's, docs/benchmarks.md), else the JDK's.
   */
  public static String library() {
    return OpenSsl.isAvailable()
        ? OpenSsl.versionString() + " (netty-tcnative)"
        : "JDK " + Runtime.version().feature() + " (netty-tcnative not available here)";
  }

  /** The server's own certificate, the first of the chain. */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  /** The certificate chain as read, leaf first. */
  public List<X509Certificate> chain() {
    return chain;
  }

  public PrivateKey privateKey() {
    return privateKey;
  }

  /** SHA-256 of the leaf certificate, as upper-case hex pairs joined by colons. */
  public String sha256Fingerprint() {
    return fingerprint;
  }

  /** True when the leaf is its own issuer, so clients need the fingerprint to trust it. */
  public boolean selfSigned() {
    return selfSigned;
  }

  public Path certificatePath() {
    return certificatePath;
  }

  /** Proves the pair by signing a random challenge, which works for every key type alike. */
  private static boolean matches(PrivateKey key, PublicKey publicKey, Path keyFile) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> key.getAlgorithm(); // Ed25519 and Ed448 name their own signature scheme
        };
    byte[] challenge = new byte[32];
    new SecureRandom().nextBytes(challenge);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (InvalidKeyException | SignatureException e) {
      return false; // e.g. an RSA key with an EC certificate
    } catch (NoSuchAlgorithmException e) {
      throw PemFiles.error(
          PemFiles.PRIVATE_KEY, keyFile, "unsupported key type " + key.getAlgorithm());
    }
  }

  // an expired certificate still encrypts; refusing to start would turn a renewal slip into an
  // outage, so this is only a warning
  private static void warnIfNotCurrent(X509Certificate cert, Path file) {
    Instant now = Instant.now();
    if (cert.getNotAfter().toInstant().isBefore(now)) {
      LOG.warn(
          "TLS certificate {} expired on {}; clients will reject it", file, cert.getNotAfter());
    } else if (cert.getNotBefore().toInstant().isAfter(now)) {
      LOG.warn(
          "TLS certificate {} is not valid before {}; clients will reject it",
          file,
          cert.getNotBefore());
    }
  }

  private static boolean isSelfSigned(X509Certificate cert) {
    if (!cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal())) {
      return false;
    }
    try {
      cert.verify(cert.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false; // same name, but signed by another key
    }
  }

  private static String fingerprint(X509Certificate cert) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }
}
