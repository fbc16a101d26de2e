package dev.switchboard.server.module;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The modules' options as Markdown, generated from their declarations: docs/configuration.md holds
 * this text (a test checks it is current) and {@code switchboard config docs} prints it.
 */
public final class ModuleDocs {
  private ModuleDocs() {}

  public static String markdown(List<Supplier<Module>> catalog) {
    StringBuilder sb = new StringBuilder();
    for (Supplier<Module> factory : catalog) {
      Module m = factory.get();
      sb.append("### `").append(m.name()).append('`');
      String specs = specs(m);
      if (!specs.isEmpty()) {
        sb.append(": ").append(specs);
      }
      sb.append("\n\nKeys under `switchboard.modules.").append(m.name()).append("`");
      if (!m.requires().isEmpty()) {
        sb.append("; needs ").append(String.join(", ", m.requires()));
      }
      sb.append(".\n\n| Key | Default | Values | What |\n|---|---|---|---|\n");
      sb.append("| `enabled` | `true` | boolean | Run the module (per domain under `hosts`) |\n");
      for (Option<?> o : m.options()) {
        sb.append("| `")
            .append(o.key())
            .append("` | `")
            .append(format(o.defaultValue()))
            .append("` | ")
            .append(o.requirement().isEmpty() ? o.type() : o.type() + ", " + o.requirement())
            .append(" | ")
            .append(o.doc().replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;"))
            .append(" |\n");
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String specs(Module m) {
    StringBuilder sb = new StringBuilder();
    for (Implements spec : m.getClass().getAnnotationsByType(Implements.class)) {
      if (!sb.isEmpty()) {
        sb.append(", ");
      }
      sb.append(spec.spec());
    }
    return sb.isEmpty() ? "" : sb.toString();
  }

  private static String format(Object value) {
    if (value instanceof Duration d) {
      return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
    if (value instanceof String s) {
      return "\"" + s + "\"";
    }
    return String.valueOf(value);
  }
}
