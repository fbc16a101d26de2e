package dev.switchboard.server.mod.register;

import dev.switchboard.server.account.AccountStore;
import dev.switchboard.server.auth.Passwords;
import dev.switchboard.server.iq.Iq;
import dev.switchboard.server.module.Implements;
import dev.switchboard.server.module.Module;
import dev.switchboard.server.module.ModuleContext;
import dev.switchboard.server.module.Registrations;
import dev.switchboard.server.store.BlockingExecutor;
import dev.switchboard.server.user.Owners;
import dev.switchboard.server.user.UserActor;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.Namespaces;
import dev.switchboard.xmpp.StanzaError;
import dev.switchboard.xmpp.StanzaErrorCondition;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * In-band registration: creating an account before authentication (only when {@code
 * switchboard.registration.allow} is on, and only over TLS unless TLS is not required), and, once
 * logged in, changing the password or cancelling the account.
 */
@Implements(spec = "XEP-0077", version = "2.4")
public final class RegisterModule implements Module {
  public static final String NS = "jabber:iq:register";

  private AccountStore accounts;
  private BlockingExecutor blocking;
  private String domain;
  private int iterations;
  private boolean allow;
  private boolean requireTls;
  private Owners owners;

  @Override
  public String name() {
    return "register";
  }

  @Override
  public Registrations start(ModuleContext ctx) {
    accounts = ctx.accounts();
    blocking = ctx.blocking();
    domain = ctx.domain();
    iterations = ctx.config().auth().scramIterations();
    allow = ctx.config().allowRegistration();
    requireTls = ctx.config().c2s().requireTls();
    owners = ctx.owners();
    Registrations.Builder r =
        Registrations.builder().preAuthIq(NS, this::preAuth).serverIq(NS, this::authenticated);
    if (allow) {
      r.preAuthFeature(Element.of("register", Namespaces.REGISTER_FEATURE));
    }
    return r.build();
  }

  // ---- before authentication: create an account ----

  private CompletionStage<Element> preAuth(Element iq, boolean secured) {
    if (!allow) {
      return done(StanzaError.reply(iq, StanzaErrorCondition.SERVICE_UNAVAILABLE, null));
    }
    if (requireTls && !secured) {
      return done(StanzaError.reply(iq, StanzaErrorCondition.NOT_AUTHORIZED, "use TLS first"));
    }
    Element q = iq.firstElement();
    if ("get".equals(iq.attr("type"))) {
      return done(
          result(
              iq,
              Element.builder("query", NS)
                  .textChild("instructions", "Choose a username and password.")
                  .child(Element.of("username", NS))
                  .child(Element.of("password", NS))
                  .build()));
    }
    if (!"set".equals(iq.attr("type")) || q.hasChild("remove", NS)) {
      return done(StanzaError.reply(iq, StanzaErrorCondition.BAD_REQUEST, null));
    }
    String username = q.childText("username", NS);
    String password = q.childText("password", NS);
    if (username == null || password == null || username.isEmpty() || password.isEmpty()) {
      return done(
          StanzaError.reply(iq, StanzaErrorCondition.NOT_ACCEPTABLE, "username and password"));
    }
    Jid jid;
    try {
      jid = Jid.bare(username, domain);
    } catch (Jid.InvalidJidException e) {
      return done(StanzaError.reply(iq, StanzaErrorCondition.JID_MALFORMED, e.getMessage()));
    }
    // key derivation is deliberately slow, so it runs with the storage call, off the actor
    return blocking
        .submit(() -> accounts.create(jid, Passwords.derive(password, iterations)))
        .handle(
            (created, e) -> {
              if (e != null) {
                Throwable cause = unwrap(e);
                return cause instanceof IllegalArgumentException
                    ? StanzaError.reply(iq, StanzaErrorCondition.NOT_ACCEPTABLE, cause.getMessage())
                    : StanzaError.reply(iq, StanzaErrorCondition.INTERNAL_SERVER_ERROR, null);
              }
              return created
                  ? result(iq, null)
                  : StanzaError.reply(iq, StanzaErrorCondition.CONFLICT, "username taken");
            });
  }

  private static Element result(Element iq, Element payload) {
    return Element.builder("iq", Namespaces.CLIENT)
        .attr("type", "result")
        .attr("id", iq.attr("id"))
        .child(payload)
        .build();
  }

  private static CompletionStage<Element> done(Element e) {
    return CompletableFuture.completedFuture(e);
  }

  // ---- after authentication: password change and cancellation (XEP-0077 3.2, 3.3) ----

  private CompletionStage<Element> authenticated(Iq iq) {
    Jid account = iq.from().toBare();
    Element q = iq.payload();
    if (iq.isGet()) {
      return done(
          iq.result(
              Element.builder("query", NS)
                  .child(Element.of("registered", NS))
                  .textChild("username", account.local())
                  .child(Element.of("password", NS))
                  .build()));
    }
    if (q.hasChild("remove", NS)) {
      return blocking
          .submit(() -> accounts.remove(account))
          .thenApply(
              removed -> {
                // the user actor delivers the result, then ends every session of the account
                owners.of(account).tell(new UserActor.AccountDeleted(iq.result()));
                return null;
              });
    }
    String username = q.childText("username", NS);
    String password = q.childText("password", NS);
    if (password == null
        || password.isEmpty()
        || username != null && !username.equals(account.local())) {
      return done(iq.error(StanzaErrorCondition.BAD_REQUEST));
    }
    return blocking
        .submit(() -> accounts.updateCredentials(account, Passwords.derive(password, iterations)))
        .handle(
            (ok, e) -> {
              if (e != null && unwrap(e) instanceof IllegalArgumentException bad) {
                return iq.error(StanzaErrorCondition.NOT_ACCEPTABLE, bad.getMessage());
              }
              return e == null && Boolean.TRUE.equals(ok)
                  ? iq.result()
                  : iq.error(StanzaErrorCondition.INTERNAL_SERVER_ERROR);
            });
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }
}
