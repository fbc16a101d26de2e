package dev.switchboard.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.switchboard.server.config.ConfigError;
import dev.switchboard.server.config.ConfigLoader;
import dev.switchboard.server.config.ServerConfig;
import dev.switchboard.server.tls.TestPki.KeyFormat;
import io.netty.handler.ssl.OpenSslContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

class TlsCredentialsTest {
  private static final String DOMAIN = "example.test";

  @TempDir Path tmp;

  static ServerConfig config(Path dataDir, Path cert, Path key) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("domain", DOMAIN);
    o.put("data-dir", quoted(dataDir));
    if (cert != null) {
      o.put("tls.certificate", quoted(cert));
      o.put("tls.private-key", quoted(key));
    }
    return ConfigLoader.load(null, o);
  }

  private static String quoted(Path p) {
    return "\"" + p + "\"";
  }

  @Test
  void generatesAnOwnerOnlyKeyAndACertificateForTheDomainOnFirstLoad() throws Exception {
    Path dataDir = tmp.resolve("not/yet/there");
    Instant before = Instant.now();

    TlsCredentials creds = TlsCredentials.load(config(dataDir, null, null));

    Path crt = dataDir.resolve("tls/example.test.crt");
    Path key = dataDir.resolve("tls/example.test.key");
    assertThat(creds.certificatePath()).isEqualTo(crt);
    assertThat(Files.getPosixFilePermissions(key))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Files.readString(crt)).startsWith("-----BEGIN CERTIFICATE-----");
    // no temporary files left behind
    try (Stream<Path> files = Files.list(dataDir.resolve("tls"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("example.test.crt", "example.test.key");
    }

    X509Certificate cert = creds.certificate();
    cert.checkValidity();
    cert.verify(cert.getPublicKey());
    assertThat(creds.selfSigned()).isTrue();
    assertThat(creds.chain()).containsExactly(cert);
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=example.test");
    assertThat(cert.getSubjectAlternativeNames())
        .containsExactlyInAnyOrder(List.of(2, "example.test"), List.of(2, "*.example.test"));
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(((ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize())
        .isEqualTo(256);
    assertThat(cert.getKeyUsage()[0]).as("digitalSignature").isTrue();
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(cert.getBasicConstraints()).as("not a CA").isEqualTo(-1);
    Duration validity = Duration.between(before, cert.getNotAfter().toInstant());
    assertThat(validity).isBetween(Duration.ofDays(3650), Duration.ofDays(3654));
    assertThat(creds.privateKey().getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void linuxOnX8664GetsBoringSslNotTheJdksTls() throws Exception {
    assumeTrue(
        System.getProperty("os.name").startsWith("Linux")
            && System.getProperty("os.arch").equals("amd64"));
    TlsCredentials creds = TlsCredentials.load(config(tmp, null, null));
    assertThat(creds.serverContext(List.of("TLSv1.2", "TLSv1.3")))
        .isInstanceOf(OpenSslContext.class);
    assertThat(TlsCredentials.library()).startsWith("BoringSSL");
  }

  @Test
  void fingerprintIsColonSeparatedSha256OfTheCertificate() throws Exception {
    TlsCredentials creds = TlsCredentials.load(config(tmp, null, null));
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(creds.certificate().getEncoded());
    assertThat(creds.sha256Fingerprint())
        .matches("([0-9A-F]{2}:){31}[0-9A-F]{2}")
        .isEqualTo(HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest));
  }

  @Test
  void secondLoadReusesTheGeneratedPair() {
    TlsCredentials first = TlsCredentials.load(config(tmp, null, null));
    TlsCredentials second = TlsCredentials.load(config(tmp, null, null));
    assertThat(second.sha256Fingerprint()).isEqualTo(first.sha256Fingerprint());
    assertThat(second.privateKey().getEncoded()).isEqualTo(first.privateKey().getEncoded());
  }

  @Test
  void regeneratesBothFilesWhenOneIsMissing() throws Exception {
    TlsCredentials first = TlsCredentials.load(config(tmp, null, null));
    Files.delete(first.certificatePath());
    TlsCredentials second = TlsCredentials.load(config(tmp, null, null));
    assertThat(second.sha256Fingerprint()).isNotEqualTo(first.sha256Fingerprint());
    assertThat(second.privateKey().getEncoded()).isNotEqualTo(first.privateKey().getEncoded());
  }

  @ParameterizedTest
  @CsvSource({"RSA, PKCS8", "RSA, PKCS1", "EC, PKCS8", "EC, SEC1"})
  void loadsOperatorFilesInEachKeyFormat(String type, KeyFormat format) throws Exception {
    KeyPair keys = type.equals("RSA") ? TestPki.rsa() : TestPki.ec();
    X509Certificate cert = TestPki.selfSigned(keys, "xmpp.example.test");
    Path crt = TestPki.writeCertificates(tmp.resolve("server.crt"), cert);
    Path key = TestPki.writeKey(tmp.resolve("server.key"), keys, format);
    String header =
        switch (format) {
          case PKCS8 -> "-----BEGIN PRIVATE KEY-----";
          case PKCS1 -> "-----BEGIN RSA PRIVATE KEY-----";
          case SEC1 -> "-----BEGIN EC PRIVATE KEY-----";
        };
    assertThat(Files.readString(key)).contains(header);

    TlsCredentials creds = TlsCredentials.load(config(tmp.resolve("data"), crt, key));

    assertThat(creds.certificate()).isEqualTo(cert);
    if (keys.getPrivate() instanceof ECPrivateKey ec) {
      // SEC1 carries the curve and public point, so its PKCS#8 re-encoding differs: compare d
      assertThat(((ECPrivateKey) creds.privateKey()).getS()).isEqualTo(ec.getS());
    } else {
      assertThat(creds.privateKey().getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
    }
    assertThat(creds.certificatePath()).isEqualTo(crt);
    assertThat(creds.selfSigned()).isTrue();
    assertThat(tmp.resolve("data")).as("nothing generated").doesNotExist();
  }

  @Test
  void keepsTheChainInFileOrderAndKnowsItIsNotSelfSigned() throws Exception {
    KeyPair caKeys = TestPki.ec();
    X509Certificate ca = TestPki.ca(caKeys, "Test CA");
    KeyPair keys = TestPki.rsa();
    X509Certificate leaf = TestPki.signedBy(keys, "example.test", caKeys, ca);
    Path crt = TestPki.writeCertificates(tmp.resolve("chain.pem"), leaf, ca);
    Path key = TestPki.writeKey(tmp.resolve("key.pem"), keys, KeyFormat.PKCS1);

    TlsCredentials creds = TlsCredentials.load(config(tmp, crt, key));

    assertThat(creds.chain()).containsExactly(leaf, ca);
    assertThat(creds.certificate()).isEqualTo(leaf);
    assertThat(creds.selfSigned()).isFalse();
  }

  @Test
  void aKeyOfAnotherCertificateIsRefusedNamingTheKeyFile() throws Exception {
    Path crt =
        TestPki.writeCertificates(tmp.resolve("a.crt"), TestPki.selfSigned(TestPki.ec(), DOMAIN));
    Path key = TestPki.writeKey(tmp.resolve("b.key"), TestPki.ec(), KeyFormat.PKCS8);
    assertThatThrownBy(() -> TlsCredentials.load(config(tmp, crt, key)))
        .isInstanceOf(ConfigError.class)
        .hasMessage(
            "TLS private key "
                + key
                + ": does not match the public key of the first certificate in "
                + crt);
  }

  @Test
  void aKeyOfAnotherTypeIsRefusedToo() throws Exception {
    Path crt =
        TestPki.writeCertificates(tmp.resolve("a.crt"), TestPki.selfSigned(TestPki.ec(), DOMAIN));
    Path key = TestPki.writeKey(tmp.resolve("rsa.key"), TestPki.rsa(), KeyFormat.PKCS1);
    assertThatThrownBy(() -> TlsCredentials.load(config(tmp, crt, key)))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("TLS private key " + key + ": does not match");
  }

  @Test
  void aChainInReverseOrderFailsTheKeyCheck() throws Exception {
    KeyPair caKeys = TestPki.ec();
    X509Certificate ca = TestPki.ca(caKeys, "Test CA");
    KeyPair keys = TestPki.ec();
    X509Certificate leaf = TestPki.signedBy(keys, DOMAIN, caKeys, ca);
    Path crt = TestPki.writeCertificates(tmp.resolve("chain.pem"), ca, leaf);
    Path key = TestPki.writeKey(tmp.resolve("key.pem"), keys, KeyFormat.SEC1);
    assertThatThrownBy(() -> TlsCredentials.load(config(tmp, crt, key)))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("first certificate in " + crt);
  }

  @Test
  void aMissingFileIsNamed() throws Exception {
    Path crt = tmp.resolve("nope.crt");
    Path key = TestPki.writeKey(tmp.resolve("k.pem"), TestPki.ec(), KeyFormat.PKCS8);
    assertThatThrownBy(() -> TlsCredentials.load(config(tmp, crt, key)))
        .isInstanceOf(ConfigError.class)
        .hasMessage("TLS certificate " + crt + ": file does not exist");
  }

  @Test
  void aCertificateFileWithoutCertificatesIsNamed() throws Exception {
    KeyPair keys = TestPki.ec();
    Path key = TestPki.writeKey(tmp.resolve("k.pem"), keys, KeyFormat.PKCS8);
    Path notPem =
        Files.write(tmp.resolve("cert.der"), TestPki.selfSigned(keys, DOMAIN).getEncoded());
    // the key where the certificate belongs, and a binary DER certificate
    for (Path crt : List.of(key, notPem)) {
      assertThatThrownBy(() -> TlsCredentials.load(config(tmp, crt, key)))
          .isInstanceOf(ConfigError.class)
          .hasMessage("TLS certificate " + crt + ": no CERTIFICATE block in the file");
    }
  }

  @Test
  void aKeyFileWithoutAKeyIsNamed() throws Exception {
    Path crt =
        TestPki.writeCertificates(tmp.resolve("a.crt"), TestPki.selfSigned(TestPki.ec(), DOMAIN));
    assertThatThrownBy(() -> TlsCredentials.load(config(tmp, crt, crt)))
        .isInstanceOf(ConfigError.class)
        .hasMessage(
            "TLS private key "
                + crt
                + ": no PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block in the file");
  }

  @Test
  void anEncryptedKeyIsRefusedWithAHint() throws Exception {
    KeyPair keys = TestPki.ec();
    Path crt = TestPki.writeCertificates(tmp.resolve("a.crt"), TestPki.selfSigned(keys, DOMAIN));
    Path key = TestPki.writeEncryptedKey(tmp.resolve("enc.key"), keys);
    assertThat(Files.readString(key)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    assertThatThrownBy(() -> TlsCredentials.load(config(tmp, crt, key)))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("TLS private key " + key + ": encrypted keys are not supported")
        .hasMessageNotContaining("\n");
  }

  @Test
  void anExpiredCertificateLoadsWithAWarning() throws Exception {
    KeyPair keys = TestPki.ec();
    X509Certificate old = TestPki.expired(keys, DOMAIN);
    Path crt = TestPki.writeCertificates(tmp.resolve("old.crt"), old);
    Path key = TestPki.writeKey(tmp.resolve("old.key"), keys, KeyFormat.PKCS8);
    Logger log = (Logger) LoggerFactory.getLogger(TlsCredentials.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    log.addAppender(appender);
    try {
      TlsCredentials creds = TlsCredentials.load(config(tmp, crt, key));
      assertThat(creds.certificate()).isEqualTo(old);
    } finally {
      log.detachAppender(appender);
    }
    assertThat(appender.list)
        .anySatisfy(
            e -> {
              assertThat(e.getLevel()).isEqualTo(Level.WARN);
              assertThat(e.getFormattedMessage()).contains(crt.toString(), "expired");
            });
  }

  @Test
  void serverContextRefusesProtocolsOtherThanTls12And13() {
    TlsCredentials creds = TlsCredentials.load(config(tmp, null, null));
    assertThatThrownBy(() -> creds.serverContext(List.of("TLSv1.3", "TLSv1.1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TLSv1.1");
    assertThat(creds.serverContext(List.of("TLSv1.3")).isServer()).isTrue();
  }
}
