package dev.switchboard.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.server.tls.TestPki.KeyFormat;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real handshakes over loopback: a Netty server with {@link TlsCredentials#serverContext} and a JDK
 * client that trusts only the server's certificate and checks the host name against it.
 */
class TlsHandshakeTest {
  private static final List<String> BOTH = List.of("TLSv1.3", "TLSv1.2");

  @TempDir Path tmp;
  private TlsCredentials creds;

  @BeforeEach
  void generate() {
    creds = TlsCredentials.load(TlsCredentialsTest.config(tmp, null, null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void clientsOfEitherVersionConnectToTheDomainAndItsSubdomains(String protocol) throws Exception {
    try (TlsEchoServer server = new TlsEchoServer(creds.serverContext(BOTH))) {
      for (String host : List.of("example.test", "conference.example.test")) {
        try (SSLSocket s = connect(server.port(), host, creds.certificate(), protocol)) {
          assertThat(s.getSession().getProtocol()).isEqualTo(protocol);
          assertThat(s.getSession().getPeerCertificates()[0]).isEqualTo(creds.certificate());
          assertEchoes(s);
        }
      }
    }
  }

  @Test
  void anotherHostNameIsRejectedByTheClient() throws Exception {
    try (TlsEchoServer server = new TlsEchoServer(creds.serverContext(BOTH))) {
      assertThatThrownBy(() -> connect(server.port(), "other.test", creds.certificate(), "TLSv1.3"))
          .isInstanceOf(SSLException.class);
    }
  }

  @Test
  void onlyTheConfiguredProtocolsAreOffered() throws Exception {
    try (TlsEchoServer only13 = new TlsEchoServer(creds.serverContext(List.of("TLSv1.3")));
        TlsEchoServer only12 = new TlsEchoServer(creds.serverContext(List.of("TLSv1.2")))) {
      assertThatThrownBy(
              () -> connect(only13.port(), "example.test", creds.certificate(), "TLSv1.2"))
          .isInstanceOf(SSLException.class);
      assertThatThrownBy(
              () -> connect(only12.port(), "example.test", creds.certificate(), "TLSv1.3"))
          .isInstanceOf(SSLException.class);
      try (SSLSocket s = connect(only12.port(), "example.test", creds.certificate(), "TLSv1.2")) {
        assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.2");
      }
    }
  }

  /**
   * The JDK client refuses TLSv1.1 by itself (jdk.tls.disabledAlgorithms), so an SSLSocket could
   * not show what the server does; a hand-made TLSv1.1 ClientHello can.
   */
  @Test
  void aTls11ClientHelloGetsAProtocolVersionAlert() throws Exception {
    try (TlsEchoServer server = new TlsEchoServer(creds.serverContext(BOTH));
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(tls11ClientHello());
      s.getOutputStream().flush();
      DataInputStream in = new DataInputStream(s.getInputStream());
      byte[] header = new byte[5];
      in.readFully(header);
      assertThat(header[0]).as("content type alert").isEqualTo((byte) 21);
      byte[] alert = new byte[2];
      in.readFully(alert);
      assertThat(alert[0]).as("fatal").isEqualTo((byte) 2);
      assertThat(alert[1]).as("protocol_version").isEqualTo((byte) 70);
      assertThatThrownBy(() -> readToEnd(in)).isInstanceOf(EOFException.class);
    }
  }

  @Test
  void operatorRsaCredentialsWorkToo() throws Exception {
    KeyPair keys = TestPki.rsa();
    X509Certificate cert = TestPki.selfSigned(keys, "example.test");
    Path crt = TestPki.writeCertificates(tmp.resolve("rsa.crt"), cert);
    Path key = TestPki.writeKey(tmp.resolve("rsa.key"), keys, KeyFormat.PKCS1);
    TlsCredentials rsa = TlsCredentials.load(TlsCredentialsTest.config(tmp, crt, key));
    try (TlsEchoServer server = new TlsEchoServer(rsa.serverContext(BOTH))) {
      for (String protocol : BOTH) {
        try (SSLSocket s = connect(server.port(), "example.test", cert, protocol)) {
          assertThat(s.getSession().getProtocol()).isEqualTo(protocol);
          assertEchoes(s);
        }
      }
    }
  }

  private static SSLSocket connect(int port, String host, X509Certificate trusted, String protocol)
      throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("server", trusted);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
    plain.setSoTimeout(10_000);
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, host, port, true);
    try {
      SSLParameters params = s.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      params.setProtocols(new String[] {protocol});
      s.setSSLParameters(params);
      s.startHandshake();
      return s;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private static void assertEchoes(SSLSocket s) throws IOException {
    byte[] ping = "<presence/>".getBytes(StandardCharsets.UTF_8);
    s.getOutputStream().write(ping);
    s.getOutputStream().flush();
    byte[] back = new DataInputStream(s.getInputStream()).readNBytes(ping.length);
    assertThat(back).isEqualTo(ping);
  }

  private static void readToEnd(InputStream in) throws IOException {
    while (in.read() >= 0) {
      // drain until the server closes
    }
    throw new EOFException();
  }

  /** A ClientHello offering TLS 1.1 at most, with ECDHE and RSA CBC suites (RFC 4346 7.4.1.2). */
  private static byte[] tls11ClientHello() {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {3, 2}); // client_version TLS 1.1
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    body.writeBytes(random);
    body.write(0); // empty session id
    int[] suites = {0xC009, 0xC00A, 0xC013, 0xC014, 0x002F, 0x0035, 0x00FF};
    writeShort(body, suites.length * 2);
    for (int suite : suites) {
      writeShort(body, suite);
    }
    body.writeBytes(new byte[] {1, 0}); // compression: null only
    byte[] extensions = {
      0x00,
      0x0a,
      0x00,
      0x04,
      0x00,
      0x02,
      0x00,
      0x17, // supported_groups: secp256r1
      0x00,
      0x0b,
      0x00,
      0x02,
      0x01,
      0x00 // ec_point_formats: uncompressed
    };
    writeShort(body, extensions.length);
    body.writeBytes(extensions);

    ByteArrayOutputStream record = new ByteArrayOutputStream();
    record.writeBytes(new byte[] {22, 3, 1}); // handshake record, TLS 1.0 record version
    writeShort(record, body.size() + 4);
    record.write(1); // client_hello
    record.write(0);
    writeShort(record, body.size());
    record.writeBytes(body.toByteArray());
    return record.toByteArray();
  }

  private static void writeShort(ByteArrayOutputStream out, int v) {
    out.write(v >> 8);
    out.write(v & 0xFF);
  }
}
