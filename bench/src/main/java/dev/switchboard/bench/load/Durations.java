package dev.switchboard.bench.load;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads durations such as {@code 500ms}, {@code 30s}, {@code 2m} or {@code 1h}. */
final class Durations implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  static Duration parse(String value) {
    String v = value.trim();
    int i = 0;
    while (i < v.length() && (Character.isDigit(v.charAt(i)) || v.charAt(i) == '.')) {
      i++;
    }
    if (i == 0) {
      throw new TypeConversionException("not a duration: '" + value + "' (e.g. 500ms, 30s, 2m)");
    }
    double n = Double.parseDouble(v.substring(0, i));
    String unit = v.substring(i).trim();
    double millis =
        switch (unit) {
          case "ms" -> n;
          case "", "s" -> n * 1000;
          case "m", "min" -> n * 60_000;
          case "h" -> n * 3_600_000;
          default ->
              throw new TypeConversionException(
                  "unknown unit '" + unit + "' in '" + value + "' (ms, s, m, h)");
        };
    return Duration.ofMillis(Math.round(millis));
  }

  /** Seconds with up to three decimals, for reports. */
  static String format(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
