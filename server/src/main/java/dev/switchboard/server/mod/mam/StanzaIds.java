package dev.switchboard.server.mod.mam;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Server-assigned archive ids (XEP-0359 stanza-id): 64 bits of milliseconds and a sequence,
 * strictly increasing within a node, written as 13 Crockford base-32 digits so that comparing the
 * strings compares the numbers.
 */
public final class StanzaIds {
  private static final char[] DIGITS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final int SEQUENCE_BITS = 14;

  private final AtomicLong last = new AtomicLong();

  /** The next id; never equal to or smaller than one returned before. */
  public String next() {
    long now = System.currentTimeMillis() << SEQUENCE_BITS;
    long id = last.updateAndGet(prev -> Math.max(prev + 1, now));
    return encode(id);
  }

  static String encode(long v) {
    char[] out = new char[13];
    for (int i = 12; i >= 0; i--) {
      out[i] = DIGITS[(int) (v & 31)];
      v >>>= 5;
    }
    return new String(out);
  }

  /** The time an id was assigned, in epoch milliseconds; -1 if it is not one of ours. */
  public static long millis(String id) {
    if (id == null || id.length() != 13) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < 13; i++) {
      int d = new String(DIGITS).indexOf(id.charAt(i));
      if (d < 0) {
        return -1;
      }
      v = (v << 5) | d;
    }
    return v >>> SEQUENCE_BITS;
  }
}
