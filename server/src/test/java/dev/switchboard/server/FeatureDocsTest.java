package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.server.module.Implements;
import dev.switchboard.server.module.Module;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** docs/features.md lists every specification a module declares with {@link Implements}. */
class FeatureDocsTest {
  @Test
  void everyImplementedSpecIsDocumented() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "features.md"));
    int seen = 0;
    for (Supplier<Module> factory : Server.defaultModules()) {
      Module m = factory.get();
      for (Implements spec : m.getClass().getAnnotationsByType(Implements.class)) {
        seen++;
        String row =
            doc.lines()
                .filter(l -> l.startsWith("| " + spec.spec()))
                .findFirst()
                .orElseThrow(() -> new AssertionError(spec.spec() + " missing from features.md"));
        assertThat(row).contains("`" + m.name() + "`");
        if (!spec.version().isEmpty()) {
          assertThat(row).as(spec.spec()).contains(spec.version());
        }
      }
    }
    assertThat(seen).isGreaterThanOrEqualTo(6);
  }
}
