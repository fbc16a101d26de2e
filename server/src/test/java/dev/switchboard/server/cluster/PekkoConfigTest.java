package dev.switchboard.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.server.config.ConfigLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PekkoConfigTest {
  private static final String SHARDS = "pekko.cluster.sharding.number-of-shards";

  @Test
  void aNodeUsesTwoHundredShardsUnlessTold() {
    Config pekko = PekkoConfig.of(ConfigLoader.load(null, Map.of()));

    assertThat(pekko.getInt(SHARDS)).isEqualTo(200);
    // what the config overrides is Pekko's own reference value, which is different
    assertThat(ConfigFactory.defaultReference().getInt(SHARDS)).isEqualTo(1000);
  }

  @Test
  void anOperatorsPekkoKeyWins() {
    Config pekko = PekkoConfig.of(ConfigLoader.load(null, Map.of(SHARDS, "64")));

    assertThat(pekko.getInt(SHARDS)).isEqualTo(64);
    assertThat(pekko.getString("pekko.cluster.downing-provider-class"))
        .isEqualTo("org.apache.pekko.cluster.sbr.SplitBrainResolverProvider");
  }
}
