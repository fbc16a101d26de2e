package dev.switchboard.bench.jmh;

import dev.switchboard.xmpp.XmppStreamException;
import dev.switchboard.xmpp.XmppStreamParser;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link XmppStreamParser} on a stream of typical stanzas (see {@link Stanzas}), fed in chunks as a
 * socket would deliver them; the score is stanzas per second, everything included: Aalto, building
 * the immutable {@link dev.switchboard.xmpp.Element} trees, the size checks.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ParserBench {
  static final int BLOCKS = 100;
  static final int STANZAS = BLOCKS * Stanzas.PER_BLOCK;

  /** Bytes handed to the parser at a time: a small TCP read and a typical 16 KiB read. */
  @Param({"1460", "16384"})
  int chunk;

  private byte[] header;
  private byte[][] chunks;

  @Setup
  public void setUp() {
    header = Stanzas.HEADER.getBytes(StandardCharsets.UTF_8);
    byte[] all = Stanzas.stream(BLOCKS);
    int n = (all.length + chunk - 1) / chunk;
    chunks = new byte[n][];
    for (int i = 0; i < n; i++) {
      chunks[i] =
          java.util.Arrays.copyOfRange(all, i * chunk, Math.min(all.length, (i + 1) * chunk));
    }
  }

  @Benchmark
  @OperationsPerInvocation(STANZAS)
  public void parse(Blackhole bh) throws XmppStreamException {
    XmppStreamParser p = new XmppStreamParser(256 * 1024, 64);
    p.feed(header, 0, header.length);
    drain(p, bh);
    for (byte[] c : chunks) {
      p.feed(c, 0, c.length);
      drain(p, bh);
    }
  }

  private static void drain(XmppStreamParser p, Blackhole bh) throws XmppStreamException {
    XmppStreamParser.Event e;
    while ((e = p.next()) != null) {
      bh.consume(e);
    }
  }
}
