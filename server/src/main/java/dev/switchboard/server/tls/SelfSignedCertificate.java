package dev.switchboard.server.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificate a server uses when the operator configured none, so that TLS works out of the
 * box: ECDSA P-256, valid for the domain and its subdomains (where MUC and upload services live)
 * for ten years. Clients will not trust it without the operator pinning its fingerprint.
 */
final class SelfSignedCertificate {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  // starts a little in the past so that a client whose clock lags still accepts it
  private static final Duration BACKDATE = Duration.ofHours(1);
  private static final int VALID_YEARS = 10;

  private SelfSignedCertificate() {}

  /** Generates a key and certificate for {@code domain}; the key file is owner-only. */
  static void generate(String domain, Path certFile, Path keyFile) throws IOException {
    KeyPair keys = newKeyPair();
    X509Certificate cert = certificate(keys, domain, Instant.now());
    // the key first: a certificate on disk then always has its key beside it
    PemFiles.write(keyFile, true, new JcaPKCS8Generator(keys.getPrivate(), null));
    PemFiles.write(certFile, false, new JcaMiscPEMGenerator(cert));
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no EC P-256 support", e);
    }
  }

  private static X509Certificate certificate(KeyPair keys, String domain, Instant now) {
    X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, domain).build();
    Instant notBefore = now.minus(BACKDATE);
    Instant notAfter = notBefore.atOffset(ZoneOffset.UTC).plusYears(VALID_YEARS).toInstant();
    // RFC 5280 4.1.2.2: positive, unique per issuer, at most 20 octets
    BigInteger serial = new BigInteger(159, new SecureRandom()).setBit(0);
    try {
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              name, serial, Date.from(notBefore), Date.from(notAfter), name, keys.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      b.addExtension(Extension.subjectAlternativeName, false, subjectAltNames(domain));
      b.addExtension(
          Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
      return new JcaX509CertificateConverter()
          .getCertificate(
              b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
      throw new IllegalStateException("cannot create a self-signed certificate", e);
    }
  }

  /** The domain and every subdomain; an IP-literal domain (RFC 7622 3.2) gets an IP entry. */
  private static GeneralNames subjectAltNames(String domain) {
    if (domain.startsWith("[") && domain.endsWith("]")) {
      return new GeneralNames(
          new GeneralName(GeneralName.iPAddress, domain.substring(1, domain.length() - 1)));
    }
    if (IPV4.matcher(domain).matches()) {
      return new GeneralNames(new GeneralName(GeneralName.iPAddress, domain));
    }
    return new GeneralNames(
        new GeneralName[] {
          new GeneralName(GeneralName.dNSName, domain),
          new GeneralName(GeneralName.dNSName, "*." + domain)
        });
  }
}
