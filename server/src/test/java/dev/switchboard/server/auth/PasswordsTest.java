package dev.switchboard.server.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PasswordsTest {
  @Test
  void derivedCredentialsVerifyOnlyTheirPassword() {
    StoredCredentials c = Passwords.derive("s3cret pass", 4096);
    assertThat(Passwords.verify("s3cret pass", c)).isTrue();
    assertThat(Passwords.verify("s3cret pasS", c)).isFalse();
    assertThat(Passwords.verify("", c)).isFalse();
  }

  @Test
  void eachHashGetsItsOwnRandomSaltAndTheIterations() {
    StoredCredentials a = Passwords.derive("pw", 5000);
    StoredCredentials b = Passwords.derive("pw", 5000);
    assertThat(a.sha1().salt()).hasSize(16).isNotEqualTo(a.sha256().salt());
    assertThat(a.sha256().salt()).hasSize(16).isNotEqualTo(b.sha256().salt());
    assertThat(a.sha1().iterations()).isEqualTo(5000);
    assertThat(a.sha256().iterations()).isEqualTo(5000);
    assertThat(a.sha1().storedKey()).hasSize(20);
    assertThat(a.sha1().serverKey()).hasSize(20);
    assertThat(a.sha256().storedKey()).hasSize(32);
    assertThat(a).isNotEqualTo(b);
    assertThat(a.forHash(ScramHash.SHA_1)).isSameAs(a.sha1());
  }

  @Test
  void nothingStoredContainsThePassword() {
    String password = "plaintext-marker";
    StoredCredentials c = Passwords.derive(password, 4096);
    for (ScramCredential s : new ScramCredential[] {c.sha1(), c.sha256()}) {
      for (byte[] field : new byte[][] {s.salt(), s.storedKey(), s.serverKey()}) {
        assertThat(new String(field, UTF_8)).doesNotContain(password);
      }
    }
    assertThat(c.toString()).doesNotContain(password);
  }

  @Test
  void passwordsAreNormalized() {
    // NFKC maps full-width letters to ASCII; a no-break space is a space
    StoredCredentials c = Passwords.derive("ｐａｓｓ\u00A0word", 4096);
    assertThat(Passwords.verify("pass word", c)).isTrue();
    // soft hyphen is mapped to nothing
    assertThat(Passwords.verify("pass wo\u00ADrd", c)).isTrue();
    assertThat(Passwords.prepare("Ⅸ")).isEqualTo("IX");
  }

  @Test
  void rejectsUnusablePasswords() {
    assertThatThrownBy(() -> Passwords.derive("", 4096))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> Passwords.derive("\u00AD", 4096))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Passwords.derive("tab\there", 4096))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Passwords.derive("é".repeat(513), 4096))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1024");
    assertThat(Passwords.derive("é".repeat(512), 4096).sha256().iterations()).isEqualTo(4096);
  }

  @Test
  void credentialsAreImmutable() {
    StoredCredentials c = Passwords.derive("pw", 4096);
    byte[] salt = c.sha256().salt();
    salt[0] ^= 1;
    assertThat(c.sha256().salt()).isNotEqualTo(salt);
    assertThat(Passwords.verify("pw", c)).isTrue();
  }
}
