package dev.switchboard.xmpp;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Objects;

/**
 * An XMPP address (RFC 7622): {@code [local@]domain[/resource]}, held in canonical form.
 *
 * <p>Canonicalization approximates the PRECIS profiles without a PRECIS library: the localpart is
 * NFC-normalized and case-folded (UsernameCaseMapped), the domain lower-cased with a trailing dot
 * removed, the resource NFC-normalized (OpaqueString). Each part is limited to 1023 bytes of UTF-8;
 * the localpart may not hold the characters RFC 7622 section 3.3.1 forbids.
 */
public final class Jid {
  private static final int MAX_PART_BYTES = 1023;

  private final String local;
  private final String domain;
  private final String resource;
  private final int hash;
  // computed on first use; racy but idempotent, like String.hash: every message asks for these
  private String text;
  private Jid bare;

  private Jid(String local, String domain, String resource) {
    this.local = local;
    this.domain = domain;
    this.resource = resource;
    this.hash =
        (31 * Objects.hashCode(local) + domain.hashCode()) * 31 + Objects.hashCode(resource);
  }

  /** Parses and canonicalizes; throws {@link InvalidJidException} when the address is not valid. */
  public static Jid parse(String s) {
    if (s == null || s.isEmpty()) {
      throw new InvalidJidException("empty address");
    }
    int slash = s.indexOf('/');
    String bare = slash < 0 ? s : s.substring(0, slash);
    String res = slash < 0 ? null : s.substring(slash + 1);
    int at = bare.indexOf('@');
    String loc = at < 0 ? null : bare.substring(0, at);
    String dom = at < 0 ? bare : bare.substring(at + 1);
    return of(loc, dom, res);
  }

  /** Parses, or returns null when the address is not valid. */
  public static Jid tryParse(String s) {
    try {
      return s == null ? null : parse(s);
    } catch (InvalidJidException e) {
      return null;
    }
  }

  public static Jid of(String local, String domain, String resource) {
    return new Jid(canonicalLocal(local), canonicalDomain(domain), canonicalResource(resource));
  }

  public static Jid domain(String domain) {
    return of(null, domain, null);
  }

  public static Jid bare(String local, String domain) {
    return of(local, domain, null);
  }

  private static String canonicalLocal(String local) {
    if (local == null) {
      return null;
    }
    if (local.isEmpty()) {
      throw new InvalidJidException("empty localpart");
    }
    String n = nfc(local).toLowerCase(Locale.ROOT);
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      if (c <= 0x20
          || c == '"'
          || c == '&'
          || c == '\''
          || c == '/'
          || c == ':'
          || c == '<'
          || c == '>'
          || c == '@'
          || c == 0x7F
          || Character.isWhitespace(c)
          || Character.isISOControl(c)) {
        throw new InvalidJidException("localpart contains a forbidden character");
      }
    }
    checkLength(n, "localpart");
    return n;
  }

  private static String canonicalDomain(String domain) {
    if (domain == null || domain.isEmpty()) {
      throw new InvalidJidException("empty domainpart");
    }
    String d = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
    d = nfc(d).toLowerCase(Locale.ROOT);
    if (d.isEmpty()) {
      throw new InvalidJidException("empty domainpart");
    }
    if (d.startsWith("[")) {
      if (!d.endsWith("]")) {
        throw new InvalidJidException("malformed IPv6 domainpart");
      }
    } else {
      for (int i = 0; i < d.length(); i++) {
        char c = d.charAt(i);
        if (c <= 0x20
            || c == '@'
            || c == '/'
            || c == '<'
            || c == '>'
            || c == '"'
            || c == '\''
            || c == '&'
            || Character.isWhitespace(c)
            || Character.isISOControl(c)) {
          throw new InvalidJidException("domainpart contains a forbidden character");
        }
      }
      if (d.startsWith(".") || d.contains("..")) {
        throw new InvalidJidException("domainpart has an empty label");
      }
    }
    checkLength(d, "domainpart");
    return d;
  }

  private static String canonicalResource(String resource) {
    if (resource == null) {
      return null;
    }
    if (resource.isEmpty()) {
      throw new InvalidJidException("empty resourcepart");
    }
    String r = nfc(resource);
    for (int i = 0; i < r.length(); i++) {
      if (Character.isISOControl(r.charAt(i))) {
        throw new InvalidJidException("resourcepart contains a control character");
      }
    }
    checkLength(r, "resourcepart");
    return r;
  }

  /** NFC, skipped for pure ASCII, which every stanza address on the hot path usually is. */
  private static String nfc(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      if (s.charAt(i) >= 0x80) {
        return Normalizer.normalize(s, Normalizer.Form.NFC);
      }
    }
    return s;
  }

  private static void checkLength(String part, String what) {
    // a UTF-8 byte count can only exceed the limit if a third of the chars could
    if (part.length() > MAX_PART_BYTES
        || part.length() * 3 > MAX_PART_BYTES
            && part.getBytes(StandardCharsets.UTF_8).length > MAX_PART_BYTES) {
      throw new InvalidJidException(what + " longer than 1023 bytes");
    }
  }

  public String local() {
    return local;
  }

  public String domainPart() {
    return domain;
  }

  public String resource() {
    return resource;
  }

  public boolean isBare() {
    return resource == null;
  }

  public boolean isFull() {
    return resource != null;
  }

  public boolean isDomain() {
    return local == null && resource == null;
  }

  public boolean hasLocal() {
    return local != null;
  }

  public Jid toBare() {
    if (resource == null) {
      return this;
    }
    Jid b = bare;
    if (b == null) {
      b = new Jid(local, domain, null);
      bare = b;
    }
    return b;
  }

  public Jid toDomain() {
    return isDomain() ? this : new Jid(null, domain, null);
  }

  public Jid withResource(String res) {
    return new Jid(local, domain, canonicalResource(res));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Jid j
        && hash == j.hash
        && domain.equals(j.domain)
        && Objects.equals(local, j.local)
        && Objects.equals(resource, j.resource);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    String t = text;
    if (t == null) {
      StringBuilder sb = new StringBuilder();
      if (local != null) {
        sb.append(local).append('@');
      }
      sb.append(domain);
      if (resource != null) {
        sb.append('/').append(resource);
      }
      t = sb.toString();
      text = t;
    }
    return t;
  }

  /** Thrown for an address that is not a valid JID; maps to {@code jid-malformed}. */
  public static final class InvalidJidException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidJidException(String message) {
      super(message);
    }
  }
}
