package dev.switchboard.server.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/** Keys, certificates and PEM files as an operator would bring them, made fresh per test. */
final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(1000);

  /** The key encodings operators meet: "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY". */
  enum KeyFormat {
    PKCS8,
    PKCS1,
    SEC1
  }

  private TestPki() {}

  static KeyPair rsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  static X509Certificate selfSigned(KeyPair keys, String dnsName) throws Exception {
    Instant now = Instant.now();
    return issue(
        keys,
        dnsName,
        keys,
        null,
        false,
        now.minus(Duration.ofHours(1)),
        now.plus(Duration.ofDays(30)));
  }

  static X509Certificate expired(KeyPair keys, String dnsName) throws Exception {
    Instant now = Instant.now();
    return issue(
        keys,
        dnsName,
        keys,
        null,
        false,
        now.minus(Duration.ofDays(60)),
        now.minus(Duration.ofDays(1)));
  }

  static X509Certificate ca(KeyPair keys, String name) throws Exception {
    Instant now = Instant.now();
    return issue(
        keys,
        name,
        keys,
        null,
        true,
        now.minus(Duration.ofHours(1)),
        now.plus(Duration.ofDays(30)));
  }

  static X509Certificate signedBy(
      KeyPair keys, String dnsName, KeyPair caKeys, X509Certificate caCert) throws Exception {
    Instant now = Instant.now();
    return issue(
        keys,
        dnsName,
        caKeys,
        caCert,
        false,
        now.minus(Duration.ofHours(1)),
        now.plus(Duration.ofDays(30)));
  }

  private static X509Certificate issue(
      KeyPair subject,
      String cn,
      KeyPair issuerKeys,
      X509Certificate issuer,
      boolean ca,
      Instant notBefore,
      Instant notAfter)
      throws Exception {
    X500Name subjectName = new X500Name("CN=" + cn);
    X500Name issuerName =
        issuer == null
            ? subjectName
            : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            issuerName,
            BigInteger.valueOf(SERIAL.incrementAndGet()),
            Date.from(notBefore),
            Date.from(notAfter),
            subjectName,
            subject.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    if (!ca) {
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, cn)));
    }
    String alg =
        issuerKeys.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    return new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder(alg).build(issuerKeys.getPrivate())));
  }

  static Path writeCertificates(Path file, X509Certificate... certs) throws Exception {
    StringWriter out = new StringWriter();
    try (PemWriter pem = new PemWriter(out)) {
      for (X509Certificate c : certs) {
        pem.writeObject(new PemObject("CERTIFICATE", c.getEncoded()));
      }
    }
    return Files.writeString(file, out.toString());
  }

  /**
   * Writes the private key of {@code keys} as {@code format}. SEC1 gets an "EC PARAMETERS" block
   * before the key, as {@code openssl ecparam -genkey} writes it.
   */
  static Path writeKey(Path file, KeyPair keys, KeyFormat format) throws Exception {
    PrivateKey key = keys.getPrivate();
    StringWriter out = new StringWriter();
    try (PemWriter pem = new PemWriter(out)) {
      switch (format) {
        case PKCS8 -> pem.writeObject(new JcaPKCS8Generator(key, null));
        case PKCS1 ->
            pem.writeObject(
                new PemObject(
                    "RSA PRIVATE KEY", der(PrivateKeyInfo.getInstance(key.getEncoded()))));
        case SEC1 -> {
          pem.writeObject(
              new PemObject("EC PARAMETERS", SECObjectIdentifiers.secp256r1.getEncoded()));
          ASN1Encodable sec1 =
              new org.bouncycastle.asn1.sec.ECPrivateKey(
                  256,
                  ((ECPrivateKey) key).getS(),
                  SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded())
                      .getPublicKeyData(),
                  SECObjectIdentifiers.secp256r1);
          pem.writeObject(
              new PemObject("EC PRIVATE KEY", sec1.toASN1Primitive().getEncoded("DER")));
        }
      }
    }
    return Files.writeString(file, out.toString());
  }

  /** A PKCS#8 key encrypted with a password, which the server must refuse clearly. */
  static Path writeEncryptedKey(Path file, KeyPair keys) throws Exception {
    StringWriter out = new StringWriter();
    try (PemWriter pem = new PemWriter(out)) {
      pem.writeObject(
          new JcaPKCS8Generator(
              keys.getPrivate(),
              new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                  // the JDK has no AES/CBC/PKCS7Padding; BouncyCastle's provider, unregistered, has
                  .setProvider(new BouncyCastleProvider())
                  .setPassword("secret".toCharArray())
                  .build()));
    }
    return Files.writeString(file, out.toString());
  }

  private static byte[] der(PrivateKeyInfo info) throws IOException {
    return info.parsePrivateKey().toASN1Primitive().getEncoded("DER");
  }
}
