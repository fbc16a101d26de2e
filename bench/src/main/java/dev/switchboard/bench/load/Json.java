package dev.switchboard.bench.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Just enough JSON for the reports: writes maps, lists, strings, numbers and booleans, and reads
 * them back (objects as ordered maps, numbers as doubles).
 */
final class Json {
  private Json() {}

  static void write(Object v, StringBuilder sb, String indent) {
    switch (v) {
      case null -> sb.append("null");
      case Map<?, ?> m -> {
        if (m.isEmpty()) {
          sb.append("{}");
          return;
        }
        sb.append("{\n");
        String inner = indent + "  ";
        int i = 0;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          sb.append(inner);
          string(String.valueOf(e.getKey()), sb);
          sb.append(": ");
          write(e.getValue(), sb, inner);
          sb.append(++i < m.size() ? ",\n" : "\n");
        }
        sb.append(indent).append('}');
      }
      case List<?> l -> {
        if (l.isEmpty()) {
          sb.append("[]");
          return;
        }
        sb.append("[\n");
        String inner = indent + "  ";
        for (int i = 0; i < l.size(); i++) {
          sb.append(inner);
          write(l.get(i), sb, inner);
          sb.append(i + 1 < l.size() ? ",\n" : "\n");
        }
        sb.append(indent).append(']');
      }
      case Double d -> sb.append(number(d));
      case Number n -> sb.append(n);
      case Boolean b -> sb.append(b);
      default -> string(v.toString(), sb);
    }
  }

  private static String number(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return "null";
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return new java.math.BigDecimal(d)
        .round(new java.math.MathContext(6))
        .stripTrailingZeros()
        .toPlainString();
  }

  private static void string(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  static Object parse(String text) {
    Json.Reader r = new Json.Reader(text);
    Object v = r.value();
    r.skipSpace();
    if (r.pos != text.length()) {
      throw r.error("trailing characters");
    }
    return v;
  }

  private static final class Reader {
    private final String s;
    private int pos;

    Reader(String s) {
      this.s = s;
    }

    Object value() {
      skipSpace();
      if (pos >= s.length()) {
        throw error("unexpected end");
      }
      char c = s.charAt(pos);
      switch (c) {
        case '{' -> {
          pos++;
          Map<String, Object> m = new LinkedHashMap<>();
          skipSpace();
          if (peek('}')) {
            return m;
          }
          do {
            skipSpace();
            String k = str();
            skipSpace();
            expect(':');
            m.put(k, value());
            skipSpace();
          } while (peek(','));
          expect('}');
          return m;
        }
        case '[' -> {
          pos++;
          List<Object> l = new ArrayList<>();
          skipSpace();
          if (peek(']')) {
            return l;
          }
          do {
            l.add(value());
            skipSpace();
          } while (peek(','));
          expect(']');
          return l;
        }
        case '"' -> {
          return str();
        }
        default -> {
          int start = pos;
          while (pos < s.length() && "{}[],: \n\r\t".indexOf(s.charAt(pos)) < 0) {
            pos++;
          }
          String word = s.substring(start, pos);
          return switch (word) {
            case "null" -> null;
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> {
              try {
                yield Double.parseDouble(word);
              } catch (NumberFormatException e) {
                throw error("bad value " + word);
              }
            }
          };
        }
      }
    }

    private String str() {
      expect('"');
      StringBuilder sb = new StringBuilder();
      while (pos < s.length() && s.charAt(pos) != '"') {
        char c = s.charAt(pos++);
        if (c == '\\') {
          char e = s.charAt(pos++);
          switch (e) {
            case 'n' -> sb.append('\n');
            case 'r' -> sb.append('\r');
            case 't' -> sb.append('\t');
            case 'u' -> {
              sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
              pos += 4;
            }
            default -> sb.append(e);
          }
        } else {
          sb.append(c);
        }
      }
      expect('"');
      return sb.toString();
    }

    private boolean peek(char c) {
      if (pos < s.length() && s.charAt(pos) == c) {
        pos++;
        return true;
      }
      return false;
    }

    private void expect(char c) {
      if (!peek(c)) {
        throw error("expected '" + c + "'");
      }
    }

    void skipSpace() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    IllegalArgumentException error(String what) {
      return new IllegalArgumentException("JSON: " + what + " at offset " + pos);
    }
  }
}
