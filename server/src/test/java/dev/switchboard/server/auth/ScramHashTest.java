package dev.switchboard.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.Random;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Test;

class ScramHashTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void hiMatchesThePublishedPbkdf2Vectors() {
    // RFC 6070 (PBKDF2-HMAC-SHA1), first output block
    assertThat(HEX.formatHex(ScramHash.SHA_1.hi("password", "salt".getBytes(), 1)))
        .isEqualTo("0c60c80f961f0e71f3a9b524af6012062fe037a6");
    assertThat(HEX.formatHex(ScramHash.SHA_1.hi("password", "salt".getBytes(), 4096)))
        .isEqualTo("4b007901b765489abead49d926f721d065a429c1");
    // RFC 7677 section 3: SaltedPassword of user/pencil
    assertThat(
            HEX.formatHex(
                ScramHash.SHA_256.hi(
                    "pencil",
                    java.util.Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ=="),
                    4096)))
        .isEqualTo("c4a49510323ab4f952cac1fa99441939e78ea74d6be81ddf7096e87513dc615d");
  }

  @Test
  void hiAgreesWithTheJdksPbkdf2ForShortLongAndNonAsciiPasswords() throws Exception {
    Random random = new Random(42);
    String[] passwords = {
      "a", "pencil", "pässwörd ✓ 密码", "x".repeat(64), "y".repeat(65), "long ".repeat(40),
    };
    for (String password : passwords) {
      byte[] salt = new byte[1 + random.nextInt(40)];
      random.nextBytes(salt);
      int iterations = 1 + random.nextInt(300);
      assertThat(ScramHash.SHA_1.hi(password, salt, iterations))
          .as("SHA-1 %s", password)
          .isEqualTo(jdk("PBKDF2WithHmacSHA1", password, salt, iterations, 160));
      assertThat(ScramHash.SHA_256.hi(password, salt, iterations))
          .as("SHA-256 %s", password)
          .isEqualTo(jdk("PBKDF2WithHmacSHA256", password, salt, iterations, 256));
    }
  }

  private static byte[] jdk(
      String algorithm, String password, byte[] salt, int iterations, int bits) throws Exception {
    return SecretKeyFactory.getInstance(algorithm)
        .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, bits))
        .getEncoded();
  }
}
