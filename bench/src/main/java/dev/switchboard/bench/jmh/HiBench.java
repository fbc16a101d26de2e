package dev.switchboard.bench.jmh;

import dev.switchboard.server.auth.ScramHash;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The key derivation behind every SASL PLAIN login (and every SCRAM client): Hi() with 4096 rounds,
 * {@link ScramHash#hi} against the JDK's {@code SecretKeyFactory} PBKDF2 it replaced.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HiBench {
  private static final byte[] SALT = "0123456789abcdef".getBytes();
  private static final int ROUNDS = 4096;

  @Param({"SHA_1", "SHA_256"})
  public ScramHash hash;

  @Benchmark
  public byte[] switchboard() {
    return hash.hi("correct horse battery", SALT, ROUNDS);
  }

  @Benchmark
  public byte[] jdkSecretKeyFactory() throws GeneralSecurityException {
    String algorithm = hash == ScramHash.SHA_1 ? "PBKDF2WithHmacSHA1" : "PBKDF2WithHmacSHA256";
    PBEKeySpec spec =
        new PBEKeySpec("correct horse battery".toCharArray(), SALT, ROUNDS, hash.keyLength() * 8);
    return SecretKeyFactory.getInstance(algorithm).generateSecret(spec).getEncoded();
  }
}
