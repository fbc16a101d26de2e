package dev.switchboard.server.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers, in memory only, the passwords that recently passed a SASL PLAIN check, so that a
 * returning client's next PLAIN login costs one HMAC instead of a PBKDF2 run (4096 rounds, about a
 * millisecond of CPU). Mail servers do the same for plain-text logins (Dovecot's auth cache).
 *
 * <p>What is kept per account is HMAC-SHA-256 under a random key that lives only in this process,
 * over the account's current StoredKey, salt and iteration count and the prepared password. Nothing
 * reaches disk; a changed password (new keys) no longer matches; a failed check is never kept, so
 * guessing still costs a full PBKDF2 per guess; entries expire after the configured time and the
 * least recently used go first when the cache is full.
 */
public final class PlainLoginCache {
  private static final String HMAC = "HmacSHA256";

  private final int capacity;
  private final long ttlNanos;
  private final LongSupplier clock;
  private final SecretKeySpec key;
  private final Map<String, Remembered> entries;

  private record Remembered(byte[] tag, long expires) {}

  /** A cache of at most {@code capacity} accounts; 0 keeps nothing. */
  public PlainLoginCache(int capacity, Duration ttl) {
    this(capacity, ttl, System::nanoTime);
  }

  PlainLoginCache(int capacity, Duration ttl, LongSupplier clock) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must not be negative");
    }
    this.capacity = capacity;
    this.ttlNanos = ttl.toNanos();
    this.clock = clock;
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    this.key = new SecretKeySpec(secret, HMAC);
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Remembered> eldest) {
            return size() > PlainLoginCache.this.capacity;
          }
        };
  }

  /** Whether {@code password} passed the check against these very credentials not long ago. */
  public boolean matches(String account, String preparedPassword, ScramCredential credential) {
    if (capacity == 0) {
      return false;
    }
    Remembered e;
    synchronized (entries) {
      e = entries.get(account);
    }
    return e != null
        && clock.getAsLong() - e.expires() < 0
        && MessageDigest.isEqual(e.tag(), tag(preparedPassword, credential));
  }

  /** Notes that {@code password} has just passed the full check against {@code credential}. */
  public void passed(String account, String preparedPassword, ScramCredential credential) {
    if (capacity == 0) {
      return;
    }
    Remembered e = new Remembered(tag(preparedPassword, credential), clock.getAsLong() + ttlNanos);
    synchronized (entries) {
      entries.put(account, e);
    }
  }

  /** How many accounts are remembered now. */
  public int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  private byte[] tag(String preparedPassword, ScramCredential credential) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      byte[] stored = credential.storedKey();
      byte[] salt = credential.salt();
      // fixed-width lengths first, so that no two inputs run together into the same bytes
      mac.update(
          ByteBuffer.allocate(12)
              .putInt(stored.length)
              .putInt(salt.length)
              .putInt(credential.iterations())
              .array());
      mac.update(stored);
      mac.update(salt);
      return mac.doFinal(preparedPassword.getBytes(UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(HMAC + " is not available", e);
    }
  }
}
