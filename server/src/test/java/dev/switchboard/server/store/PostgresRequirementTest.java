package dev.switchboard.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** When an unreachable PostgreSQL fails a test rather than skipping it. */
class PostgresRequirementTest {
  @ParameterizedTest(name = "CI={0}, -Dswitchboard.requirePostgres={1} -> {2}")
  @CsvSource(
      nullValues = "unset",
      value = {
        "unset, unset, false", // a laptop: skip, loudly
        "true, unset, true", // CI=true bash .ci/run
        "1, unset, true",
        "yes, unset, true",
        "'', unset, false",
        "false, unset, false",
        "0, unset, false",
        "unset, true, true", // asked for on the command line
        "unset, false, false",
        "true, false, false", // the property decides when it is set
        "unset, '', false",
      })
  void ciOrThePropertyMakesPostgresRequired(String ci, String property, boolean required) {
    assertThat(PostgresRequirement.required(ci, property)).isEqualTo(required);
  }
}
