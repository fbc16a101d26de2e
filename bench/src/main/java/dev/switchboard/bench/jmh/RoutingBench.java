package dev.switchboard.bench.jmh;

import dev.switchboard.server.routing.ClusterDirectory;
import dev.switchboard.server.routing.ComponentRegistry;
import dev.switchboard.server.routing.HostedDomains;
import dev.switchboard.server.routing.Router;
import dev.switchboard.server.user.LocalOwners;
import dev.switchboard.server.user.Owners;
import dev.switchboard.server.user.UserActor;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.XmlReader;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.RecipientRef;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The routing hot path of a chat message without the actors: the session stamps {@code from} on the
 * client's stanza ({@link Element#withAttr}), then {@link Router#fromClient} parses {@code to} and
 * hands the stanza to the owner of the recipient's account, here a stub that the sharding function
 * returns and that only consumes the message.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RoutingBench {
  private Router router;
  private Element stanza;
  private Jid from;
  private Blackhole sink;

  @Setup
  public void setUp(Blackhole bh) {
    sink = bh;
    RecipientRef<UserActor.Command> owner = sink::consume;
    ClusterDirectory directory = new ClusterDirectory();
    router =
        new Router(
            new HostedDomains(List.of("localhost")),
            new ComponentRegistry(directory),
            new Owners(new LocalOwners(), jid -> owner),
            directory);
    stanza = XmlReader.parseElement(Stanzas.MESSAGE);
    from = Jid.parse("romeo@localhost/orchard");
  }

  @Benchmark
  public void sessionToOwner() {
    router.fromClient(from, stanza.withAttr("from", from.toString()), null);
  }

  @Benchmark
  public Element stampFrom() {
    return stanza.withAttr("from", from.toString());
  }

  @Benchmark
  public Jid parseTo() {
    return Jid.tryParse(stanza.attr("to"));
  }
}
