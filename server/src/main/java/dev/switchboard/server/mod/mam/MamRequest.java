package dev.switchboard.server.mod.mam;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.StanzaErrorCondition;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A XEP-0313 {@code <query/>} read into a store query: the data form's filters (section 4.1) and
 * the XEP-0059 {@code <set/>} (section 4.3).
 *
 * <p>The form's after-id and before-id and RSM's after and before all bound the page; when both an
 * after-id and an RSM after are given the later one applies, and the other only has to exist
 * ({@code alsoExisting}). RSM {@code <before/>}, with or without an id, takes the page from the end
 * (XEP-0313's implementation considerations: before-id does not).
 *
 * @param queryId the client's queryid, echoed in every result, or null
 * @param query what to ask the store
 * @param alsoExisting ids the query names but does not page by, which must still be in the archive
 * @param flip send the page newest first (XEP-0313 4.3.4 flipped pages)
 */
record MamRequest(String queryId, ArchiveQuery query, List<String> alsoExisting, boolean flip) {
  static final String DATA = "jabber:x:data";
  static final String RSM = "http://jabber.org/protocol/rsm";

  /** The page size when the client asks for none. */
  static final int DEFAULT_PAGE_SIZE = 50;

  private static final Set<String> FIELDS =
      Set.of("FORM_TYPE", "with", "start", "end", "after-id", "before-id", "ids");

  MamRequest {
    alsoExisting = List.copyOf(alsoExisting);
  }

  /** A query the server must refuse, with the error condition to answer. */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    private final StanzaErrorCondition condition;

    Invalid(StanzaErrorCondition condition, String text) {
      super(text, null, false, false);
      this.condition = condition;
    }

    StanzaErrorCondition condition() {
      return condition;
    }
  }

  /**
   * Reads a query; pages hold at most {@code maxPageSize} messages (a larger RSM max is lowered, as
   * XEP-0313 4.3.1 allows), and {@link #DEFAULT_PAGE_SIZE} (or the maximum if lower) when the
   * client gives no max.
   */
  static MamRequest parse(Element query, int maxPageSize) throws Invalid {
    if (query.attr("node") != null) {
      throw new Invalid(StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED, "no pubsub archives");
    }
    Map<String, List<String>> form = form(query.child("x", DATA));
    Jid with = null;
    String withText = single(form, "with");
    if (withText != null) {
      with = Jid.tryParse(withText);
      if (with == null) {
        throw bad("malformed 'with' JID");
      }
    }
    Instant start = timestamp(single(form, "start"), "start");
    Instant end = timestamp(single(form, "end"), "end");
    List<String> ids = new ArrayList<>();
    for (String id : form.getOrDefault("ids", List.of())) {
      if (id.isBlank()) {
        throw bad("empty id in 'ids'");
      }
      ids.add(id.strip());
    }
    if (ids.size() > maxPageSize) {
      throw new Invalid(
          StanzaErrorCondition.NOT_ACCEPTABLE, "at most " + maxPageSize + " ids in one query");
    }

    int max = Math.min(DEFAULT_PAGE_SIZE, maxPageSize);
    String rsmAfter = null;
    String rsmBefore = null;
    boolean fromEnd = false;
    Element set = query.child("set", RSM);
    if (set != null) {
      if (set.child("index", RSM) != null) {
        throw new Invalid(StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED, "no paging by index");
      }
      String maxText = set.childText("max", RSM);
      if (maxText != null) {
        max = Math.min(pageSize(maxText), maxPageSize);
      }
      Element after = set.child("after", RSM);
      if (after != null) {
        if (after.text().isBlank()) {
          throw bad("empty RSM <after/>");
        }
        rsmAfter = after.text().strip();
      }
      Element before = set.child("before", RSM);
      if (before != null) {
        fromEnd = true;
        rsmBefore = before.text().isBlank() ? null : before.text().strip();
      }
    }

    List<String> alsoExisting = new ArrayList<>();
    String afterId = later(single(form, "after-id"), rsmAfter, alsoExisting);
    String beforeId = earlier(single(form, "before-id"), rsmBefore, alsoExisting);
    return new MamRequest(
        query.attr("queryid"),
        new ArchiveQuery(with, start, end, afterId, beforeId, ids, max, fromEnd),
        alsoExisting,
        query.child("flip-page", MamModule.NS) != null);
  }

  /** The submitted form's fields and their values; empty without a form. */
  private static Map<String, List<String>> form(Element x) throws Invalid {
    Map<String, List<String>> fields = new HashMap<>();
    if (x == null) {
      return fields;
    }
    for (Element f : x.elements()) {
      if (!f.is("field", DATA)) {
        continue;
      }
      String var = f.attr("var");
      if (var == null) {
        throw bad("form field without var");
      }
      if (!FIELDS.contains(var)) {
        // XEP-0313 4.1.5: an unknown field is refused, not ignored
        throw new Invalid(StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED, "unknown field " + var);
      }
      List<String> values = new ArrayList<>();
      for (Element v : f.elements()) {
        if (v.is("value", DATA)) {
          values.add(v.text());
        }
      }
      if (fields.put(var, values) != null) {
        throw bad("field " + var + " given twice");
      }
    }
    List<String> formType = fields.get("FORM_TYPE");
    if (formType != null && !formType.equals(List.of(MamModule.NS))) {
      throw bad("FORM_TYPE must be " + MamModule.NS);
    }
    return fields;
  }

  /** A single-valued field's value; null when absent or empty. */
  private static String single(Map<String, List<String>> form, String var) throws Invalid {
    List<String> values = form.get(var);
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw bad("field " + var + " takes one value");
    }
    String v = values.get(0).strip();
    return v.isEmpty() ? null : v;
  }

  private static int pageSize(String text) throws Invalid {
    try {
      int n = Integer.parseInt(text.strip());
      if (n < 0) {
        throw bad("RSM <max/> must not be negative");
      }
      return n;
    } catch (NumberFormatException e) {
      throw bad("RSM <max/> is not a number");
    }
  }

  /** Of two lower bounds, the one that applies; the other goes to {@code check}. */
  private static String later(String a, String b, List<String> check) {
    if (a == null || b == null) {
      return a == null ? b : a;
    }
    boolean aWins = a.compareTo(b) >= 0;
    check.add(aWins ? b : a);
    return aWins ? a : b;
  }

  /** Of two upper bounds, the one that applies; the other goes to {@code check}. */
  private static String earlier(String a, String b, List<String> check) {
    if (a == null || b == null) {
      return a == null ? b : a;
    }
    boolean aWins = a.compareTo(b) <= 0;
    check.add(aWins ? b : a);
    return aWins ? a : b;
  }

  /** A XEP-0082 DateTime, such as 2010-06-07T00:00:00Z or 2010-06-07T02:00:00.123+02:00. */
  static Instant timestamp(String text, String field) throws Invalid {
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw bad("'" + field + "' is not a XEP-0082 timestamp");
    }
  }

  /** XEP-0082 DateTime in UTC, with as many fraction digits as the instant needs. */
  static String stamp(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t);
  }

  private static Invalid bad(String text) {
    return new Invalid(StanzaErrorCondition.BAD_REQUEST, text);
  }
}
