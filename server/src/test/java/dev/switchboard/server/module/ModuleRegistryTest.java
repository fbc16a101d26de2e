package dev.switchboard.server.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.server.config.ConfigError;
import dev.switchboard.server.delivery.Confirmation;
import dev.switchboard.server.hook.HookKey;
import dev.switchboard.server.hook.HookResult;
import dev.switchboard.server.routing.AccountRoutes;
import dev.switchboard.server.routing.ClusterDirectory;
import dev.switchboard.server.routing.ComponentRegistry;
import dev.switchboard.server.routing.HostedDomains;
import dev.switchboard.server.routing.Router;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The module life cycle: options, dependencies, hosts, registrations, actors, stop. */
class ModuleRegistryTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final HookKey<StringBuilder> TRACE = HookKey.of("trace", StringBuilder.class);

  private final List<String> events = new ArrayList<>();
  private HostedDomains hosted;
  private ComponentRegistry components;
  private ModuleRegistry registry;

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    ClusterDirectory directory = new ClusterDirectory();
    hosted = new HostedDomains(List.of("example.org", "example.net"));
    components = new ComponentRegistry(directory);
    Router router =
        new Router(
            hosted,
            components,
            new AccountRoutes() {
              @Override
              public void toAccount(Jid to, Element stanza, Confirmation c) {}

              @Override
              public void fromSession(Jid from, Element stanza, Confirmation c) {}
            },
            directory);
    registry =
        new ModuleRegistry(
            new ModuleServices(null, null, null, null, null, router, null, KIT.system()),
            hosted,
            components);
  }

  /** Records its start and stop, reads one option, and registers a bit of everything. */
  private final class Greeter implements Module {
    static final Option<String> GREETING =
        Option.string("greeting", "hello", "What the greeter says.");
    static final Option<Integer> TIMES = Option.atLeast("times", 1, 1, "How often.");

    private String domain;

    @Override
    public String name() {
      return "greeter";
    }

    @Override
    public List<String> requires() {
      return List.of("base");
    }

    @Override
    public List<Option<?>> options() {
      return List.of(GREETING, TIMES);
    }

    @Override
    public Registrations start(ModuleContext ctx) {
      domain = ctx.domain();
      events.add("start greeter " + domain + " " + ctx.option(GREETING) + " x" + ctx.option(TIMES));
      return Registrations.builder()
          .serverIq("urn:example:greet", iq -> CompletableFuture.completedFuture(iq.result()))
          .hook(
              TRACE,
              20,
              sb -> {
                sb.append("greeter;");
                return HookResult.proceed();
              })
          .component("greet." + domain, stanza -> {})
          .identity("component", "generic", "Greeter")
          .build();
    }

    @Override
    public void stop() {
      events.add("stop greeter " + domain);
    }
  }

  private final class Base implements Module {
    private String domain;

    @Override
    public String name() {
      return "base";
    }

    @Override
    public Registrations start(ModuleContext ctx) {
      domain = ctx.domain();
      events.add("start base " + domain);
      return Registrations.builder()
          .hook(
              TRACE,
              10,
              sb -> {
                sb.append("base;");
                return HookResult.proceed();
              })
          .build();
    }

    @Override
    public void stop() {
      events.add("stop base " + domain);
    }
  }

  private List<Supplier<Module>> catalog() {
    return List.of(Greeter::new, Base::new);
  }

  private static Config settings(String hocon) {
    return ConfigFactory.parseString(hocon);
  }

  @Test
  void modulesStartPerDomainInDependencyOrderWithTheirOptionsLayered() {
    registry.start(
        catalog(),
        settings(
            "modules.greeter.greeting = hi\n"
                + "hosts.\"example.net\".modules.greeter { greeting = salut, times = 3 }"));
    assertThat(events)
        .containsExactly(
            "start base example.org",
            "start greeter example.org hi x1",
            "start base example.net",
            "start greeter example.net salut x3");
    assertThat(registry.started())
        .containsEntry("example.org", List.of("base", "greeter"))
        .containsEntry("example.net", List.of("base", "greeter"));
  }

  @Test
  void registrationsLandInTheDomainsTablesAndStopRemovesThem() {
    registry.start(catalog(), settings(""));
    HostModules org = registry.host("example.org");
    StringBuilder trace = new StringBuilder();
    org.hooks().run(TRACE, trace);
    assertThat(trace).hasToString("base;greeter;");
    assertThat(org.serverFeatures()).contains("urn:example:greet");
    assertThat(org.identities())
        .extracting(Disco.Identity::name)
        .contains("Switchboard", "Greeter");
    assertThat(org.items()).extracting(Disco.Item::jid).containsExactly("greet.example.org");
    assertThat(components.serves("greet.example.net")).isTrue();

    registry.stop();
    assertThat(events.subList(events.size() - 4, events.size()))
        .containsExactly(
            "stop greeter example.net",
            "stop base example.net",
            "stop greeter example.org",
            "stop base example.org");
    assertThat(org.hooks().has(TRACE)).isFalse();
    assertThat(hosted.serverIqs("example.org").namespaces()).doesNotContain("urn:example:greet");
    assertThat(components.serves("greet.example.org")).isFalse();
  }

  @Test
  void aModuleDisabledForOneDomainRunsOnlyOnTheOthers() {
    registry.start(catalog(), settings("hosts.\"example.net\".modules.greeter.enabled = false"));
    assertThat(registry.started().get("example.net")).containsExactly("base");
    assertThat(registry.started().get("example.org")).containsExactly("base", "greeter");
  }

  @Test
  void aDisabledDependencyStopsStartUpNamingIt() {
    assertThatThrownBy(() -> registry.start(catalog(), settings("modules.base.enabled = false")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("module 'greeter' requires module 'base'");
  }

  @Test
  void badOptionsStopStartUpNamingTheKeyAndNothingStaysStarted() {
    assertThatThrownBy(() -> registry.start(catalog(), settings("modules.greeter.times = 0")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("switchboard.modules.greeter.times")
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> registry.start(catalog(), settings("modules.greeter.tims = 2")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("unknown configuration key 'switchboard.modules.greeter.tims'");
    assertThatThrownBy(() -> registry.start(catalog(), settings("modules.greter {}")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("unknown module 'greter'");
    assertThatThrownBy(() -> registry.start(catalog(), settings("modules.greeter.times = many")))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("switchboard.modules.greeter.times");
    assertThat(registry.started()).isEmpty();
  }

  @Test
  void actorsAModuleSpawnsStopWithIt() {
    TestProbe<String> probe = KIT.createTestProbe();
    List<ActorRef<String>> spawned = new ArrayList<>();
    Module withActor =
        new Module() {
          @Override
          public String name() {
            return "actor";
          }

          @Override
          public Registrations start(ModuleContext ctx) {
            spawned.add(
                ctx.actors()
                    .spawn(
                        Behaviors.<String>receiveMessage(
                            m -> {
                              probe.ref().tell(m);
                              return Behaviors.same();
                            }),
                        "echo"));
            return Registrations.none();
          }
        };
    registry.start(
        List.of(() -> withActor), settings("hosts.\"example.net\".modules.actor.enabled = false"));
    assertThat(spawned).hasSize(1);
    spawned.get(0).tell("ping");
    probe.expectMessage("ping");
    registry.stop();
    probe.expectTerminated(spawned.get(0));
  }
}
