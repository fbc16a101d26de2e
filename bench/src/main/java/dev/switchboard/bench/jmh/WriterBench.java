package dev.switchboard.bench.jmh;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Namespaces;
import dev.switchboard.xmpp.XmlReader;
import dev.switchboard.xmpp.XmlWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link XmlWriter} serializing the stanzas a server writes most: a routed chat message (with
 * {@code from} stamped) and a presence, into a reused builder and then to UTF-8 bytes as the
 * connection's write does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WriterBench {
  private Element message;
  private Element presence;
  private final StringBuilder sb = new StringBuilder(512);

  @Setup
  public void setUp() {
    message = XmlReader.parseElement(Stanzas.MESSAGE).withAttr("from", "romeo@localhost/orchard");
    presence = XmlReader.parseElement(Stanzas.PRESENCE).withAttr("from", "romeo@localhost/orchard");
  }

  @Benchmark
  public byte[] message() {
    sb.setLength(0);
    XmlWriter.write(message, Namespaces.CLIENT, sb);
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Benchmark
  public byte[] presence() {
    sb.setLength(0);
    XmlWriter.write(presence, Namespaces.CLIENT, sb);
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }
}
