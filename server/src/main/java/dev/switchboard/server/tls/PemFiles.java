package dev.switchboard.server.tls;

import dev.switchboard.server.config.ConfigError;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObjectGenerator;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Reads and writes the PEM files TLS needs. Every failure is a {@link ConfigError} of the form "TLS
 * certificate /path: problem", since a bad file is always something the operator can fix.
 *
 * <p>Uses the default JCA providers; BouncyCastle only parses and encodes, so it is never
 * registered as a global security provider.
 */
final class PemFiles {
  static final String CERTIFICATE = "TLS certificate";
  static final String PRIVATE_KEY = "TLS private key";

  private PemFiles() {}

  /** All CERTIFICATE blocks in file order (leaf first by convention); other blocks are skipped. */
  static List<X509Certificate> readChain(Path file) {
    List<X509Certificate> chain = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    for (Object o : readAll(CERTIFICATE, file)) {
      if (o instanceof X509CertificateHolder holder) {
        try {
          chain.add(converter.getCertificate(holder));
        } catch (CertificateException e) {
          throw error(CERTIFICATE, file, "unusable certificate (" + e.getMessage() + ")");
        }
      }
    }
    if (chain.isEmpty()) {
      throw error(CERTIFICATE, file, "no CERTIFICATE block in the file");
    }
    return List.copyOf(chain);
  }

  /** The first private key in PKCS#8, PKCS#1 (RSA) or SEC1 (EC) form; other blocks are skipped. */
  static PrivateKey readPrivateKey(Path file) {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    for (Object o : readAll(PRIVATE_KEY, file)) {
      try {
        // PKCS#1 and SEC1 parse as key pairs; only the private half is needed (and SEC1 files
        // may omit the public one).
        if (o instanceof PEMKeyPair pair) {
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
      } catch (IOException e) {
        throw error(PRIVATE_KEY, file, "unusable private key (" + e.getMessage() + ")");
      }
      if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
        throw error(
            PRIVATE_KEY,
            file,
            "encrypted keys are not supported (decrypt it with: openssl pkey -in KEY -out KEY)");
      }
    }
    throw error(
        PRIVATE_KEY, file, "no PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block in the file");
  }

  /**
   * Writes PEM objects to {@code file} through a temporary file and an atomic rename, so a crash
   * never leaves half a file behind. With {@code ownerOnly} the file is created rw------- from the
   * start (where the file system has POSIX permissions), never briefly readable by others.
   */
  static void write(Path file, boolean ownerOnly, PemObjectGenerator... objects)
      throws IOException {
    StringWriter text = new StringWriter();
    try (PemWriter pem = new PemWriter(text)) {
      for (PemObjectGenerator o : objects) {
        pem.writeObject(o);
      }
    }
    Path dir = file.toAbsolutePath().getParent();
    Path tmp;
    if (ownerOnly && Files.getFileStore(dir).supportsFileAttributeView("posix")) {
      tmp =
          Files.createTempFile(
              dir,
              ".tmp-",
              ".pem",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      tmp = Files.createTempFile(dir, ".tmp-", ".pem");
    }
    try {
      Files.writeString(tmp, text.toString(), StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static ConfigError error(String what, Path file, String problem) {
    return new ConfigError(what + " " + file + ": " + problem);
  }

  /** An I/O failure in words an operator acts on, rather than an exception class name. */
  static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "file does not exist";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  private static List<Object> readAll(String what, Path file) {
    if (Files.isDirectory(file)) {
      throw error(what, file, "is a directory, not a PEM file");
    }
    List<Object> objects = new ArrayList<>();
    // ISO-8859-1 decodes any byte, so a DER or other binary file reads as "no PEM block" rather
    // than failing with a charset error
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1);
        PEMParser parser = new PEMParser(in)) {
      Object o;
      while ((o = parser.readObject()) != null) {
        objects.add(o);
      }
    } catch (IOException e) {
      throw error(what, file, describe(e));
    } catch (RuntimeException e) {
      // BouncyCastle reports some malformed DER as unchecked exceptions
      throw error(what, file, "not a valid PEM file (" + e.getMessage() + ")");
    }
    return objects;
  }
}
