package dev.switchboard.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PlainLoginCacheTest {
  private static ScramCredential keys;
  private static ScramCredential otherKeys;
  private final AtomicLong now = new AtomicLong();

  @BeforeAll
  static void derive() {
    keys = Passwords.derive("wonderland", 4096).sha256();
    // the same password stored again: new salt, new keys
    otherKeys = Passwords.derive("wonderland", 4096).sha256();
  }

  private PlainLoginCache cache(int capacity) {
    return new PlainLoginCache(capacity, Duration.ofMinutes(10), now::get);
  }

  @Test
  void onlyThePasswordThatPassedAgainstTheSameKeysMatches() {
    PlainLoginCache c = cache(10);
    assertThat(c.matches("alice@x", "wonderland", keys)).isFalse();
    c.passed("alice@x", "wonderland", keys);
    assertThat(c.matches("alice@x", "wonderland", keys)).isTrue();
    assertThat(c.matches("alice@x", "wonderlanD", keys)).isFalse();
    assertThat(c.matches("bob@x", "wonderland", keys)).isFalse();
    // a password change (or re-import) gives new keys: the old entry no longer counts
    assertThat(c.matches("alice@x", "wonderland", otherKeys)).isFalse();
  }

  @Test
  void entriesExpire() {
    PlainLoginCache c = cache(10);
    c.passed("alice@x", "wonderland", keys);
    now.addAndGet(Duration.ofMinutes(10).toNanos() - 1);
    assertThat(c.matches("alice@x", "wonderland", keys)).isTrue();
    now.addAndGet(1);
    assertThat(c.matches("alice@x", "wonderland", keys)).isFalse();
  }

  @Test
  void theLeastRecentlyUsedGoFirstWhenFull() {
    PlainLoginCache c = cache(2);
    c.passed("a@x", "wonderland", keys);
    c.passed("b@x", "wonderland", keys);
    assertThat(c.matches("a@x", "wonderland", keys)).isTrue(); // a is now the most recent
    c.passed("c@x", "wonderland", keys);
    assertThat(c.size()).isEqualTo(2);
    assertThat(c.matches("b@x", "wonderland", keys)).isFalse();
    assertThat(c.matches("a@x", "wonderland", keys)).isTrue();
    assertThat(c.matches("c@x", "wonderland", keys)).isTrue();
  }

  @Test
  void sizeZeroKeepsNothing() {
    PlainLoginCache c = cache(0);
    c.passed("alice@x", "wonderland", keys);
    assertThat(c.size()).isZero();
    assertThat(c.matches("alice@x", "wonderland", keys)).isFalse();
    assertThatThrownBy(() -> cache(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void twoProcessesDoNotShareTags() {
    // each cache has its own random key, so a tag says nothing outside the process that made it
    PlainLoginCache a = cache(10);
    PlainLoginCache b = cache(10);
    a.passed("alice@x", "wonderland", keys);
    assertThat(b.matches("alice@x", "wonderland", keys)).isFalse();
  }
}
