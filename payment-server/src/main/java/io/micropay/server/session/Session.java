package io.micropay.server.session;

import io.micropay.pki.x509.CertificateRejectedException;
import io.micropay.protocol.OnlineList;
import io.micropay.protocol.ParsedRequest;
import io.micropay.protocol.ProtocolVersion;
import io.micropay.protocol.Reply;
import io.micropay.protocol.Request;
import io.micropay.protocol.RequestParser;
import io.micropay.protocol.ServerLimits;
import io.micropay.protocol.SessionClosing;
import io.micropay.protocol.TransferFailure;
import io.micropay.protocol.TransferLookup;
import io.micropay.protocol.TransferResult;
import io.micropay.protocol.Wire;
import io.micropay.server.ledger.TransferCommand;
import io.micropay.server.ledger.TransferOutcome;
import io.micropay.server.presence.PresenceException;
import io.micropay.server.transport.Connection;
import io.micropay.server.transport.InboundHandler;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;

/**
 * One peer's conversation with the server (PROTOCOL.md section 4), a small state machine:
 * connected, then logged in, then closed. Every message that names an account acts for it only
 * when the connection's certificate CN is that name. Lines arrive one at a time, in order
 * ({@link InboundHandler}); the server may end the session from other threads (a newer login, a
 * revocation), so the state changes under the session's lock. Once a session is ended nothing it
 * still has queued runs: after a newer login of the account is answered, the older session can
 * no longer move money.
 *
 * <p>On a version-2 connection (ALPN {@code micropay/2}) it also answers {@code PING},
 * {@code LIMITS} and {@code LOOKUP}, and says why before it ends the session for a reason of its
 * own ({@link SessionClosing}).
 */
public final class Session implements InboundHandler {
  private enum State { CONNECTED, LOGGED_IN, CLOSED }

  private final Connection connection;
  private final ServerContext context;
  private final String certificateName;
  private final ProtocolVersion version;
  private final AccountRequests accountRequests;
  private State state = State.CONNECTED;

  public Session(Connection connection, ServerContext context) {
    this.connection = connection;
    this.context = context;
    this.certificateName = connection.identity().accountName();
    this.version = ProtocolVersion.negotiated(connection.applicationProtocol());
    this.accountRequests = new AccountRequests(this, context);
  }

  /** The account this session's certificate speaks for. */
  public String certificateName() {
    return certificateName;
  }

  /** The connection under this session. */
  public Connection connection() {
    return connection;
  }

  /** The protocol version the connection negotiated. */
  public ProtocolVersion version() {
    return version;
  }

  @Override
  public synchronized CompletionStage<?> onLine(String line) {
    if (state == State.CLOSED) {
      // Queued before the session ended: a newer login, a revocation or shutdown came first.
      return null;
    }
    context.log().received(connection.id(), certificateName, line);
    ParsedRequest parsed = RequestParser.parse(line, version);
    if (parsed.isRejected()) {
      context.metrics().request("malformed");
      refuse("malformed request: " + parsed.reason());
      reply(parsed.reply().wire());
      return null;
    }
    Request request = parsed.request();
    context.metrics().request(requestType(request));
    if (request instanceof Request.Register register) {
      accountRequests.register(register);
    } else if (request instanceof Request.Login login) {
      login(login);
    } else if (request instanceof Request.ListOnline) {
      listOnline();
    } else if (request instanceof Request.TransferReport report) {
      return transfer(report);
    } else if (request instanceof Request.Deposit deposit) {
      accountRequests.deposit(deposit);
    } else if (request instanceof Request.Exit) {
      exit();
    } else if (request instanceof Request.Ping) {
      reply(Reply.PONG.wire());
    } else if (request instanceof Request.AskLimits) {
      reply(new ServerLimits(context.idleTimeoutMillis(), context.maxDepositUnits()).format());
    } else if (request instanceof Request.Lookup lookup) {
      lookup(lookup);
    } else {
      throw new IllegalStateException("unhandled request type " + request);
    }
    return null;
  }

  @Override
  public void onLineTooLong() {
    refuse("request line too long; closing");
    send(Reply.FORMAT_ERROR.wire(), true);
  }

  @Override
  public void onIdle(long idleTimeoutMillis) {
    end(SessionClosing.idle(idleTimeoutMillis),
        "idle for more than " + idleTimeoutMillis + " ms");
  }

  @Override
  public void onClosed(String reason) {
    boolean wasOnline;
    synchronized (this) {
      wasOnline = state == State.LOGGED_IN;
      state = State.CLOSED;
    }
    if (wasOnline) {
      // A connection that ends without Exit (crash, Ctrl-C, network loss) counts as Exit.
      context.presence().leave(certificateName, this);
      context.log().event(connection.id(), certificateName, "offline (" + reason + ")");
    }
  }

  /** Ends this session because a newer login of the same account, from ip:port, replaced it. */
  void replacedBy(String ip, int port) {
    end(SessionClosing.replaced(ip, port), "replaced by a newer login of " + certificateName
        + " from " + ip + ":" + port);
  }

  /** Ends this session because the shared online list names a newer session of its account. */
  private void endAsReplaced(String what) {
    try {
      context.presence().entryOf(certificateName).ifPresentOrElse(
          newer -> replacedBy(newer.ip(), newer.port()),
          () -> end(SessionClosing.of(SessionClosing.Reason.ERROR), what
              + ": the session was replaced"));
    } catch (PresenceException e) {
      end(SessionClosing.of(SessionClosing.Reason.ERROR), what + ": " + e.getMessage());
    }
  }

  /** Ends this session because its certificate is no longer acceptable. */
  public void certificateRejected(CertificateRejectedException rejection) {
    SessionClosing.Reason reason = switch (rejection.reason()) {
      case REVOKED -> SessionClosing.Reason.REVOKED;
      case EXPIRED -> SessionClosing.Reason.EXPIRED;
      // No usable CRL: the server cannot vouch for anyone now; the peer may try again later.
      default -> SessionClosing.Reason.ERROR;
    };
    end(SessionClosing.of(reason), rejection.getMessage());
  }

  /** Ends this session for a server shutdown, once what it already asked is answered. */
  public void shutDown() {
    connection.afterPending(() -> end(SessionClosing.of(SessionClosing.Reason.SHUTDOWN),
        "the server is shutting down"));
  }

  /**
   * Ends the session for a reason of the server's own: from now on nothing it has queued runs;
   * it goes offline, and the peer is told why in version 2 (in version 1 the connection just
   * closes, as it always did).
   */
  private void end(SessionClosing notice, String why) {
    boolean wasOnline;
    synchronized (this) {
      if (state == State.CLOSED) {
        return;
      }
      wasOnline = state == State.LOGGED_IN;
      state = State.CLOSED;
    }
    if (wasOnline) {
      context.presence().leave(certificateName, this);
    }
    context.log().event(connection.id(), certificateName,
        (wasOnline ? "offline (" : "ended (") + why + ")");
    if (version.atLeast(ProtocolVersion.V2)) {
      send(notice.format(), true);
    } else {
      connection.close(why);
    }
  }

  private void login(Request.Login login) {
    if (!login.name().equals(certificateName)) {
      refuse("login as " + login.name() + " refused: the certificate is for " + certificateName);
      reply(Reply.AUTH_FAIL.wire());
      return;
    }
    if (context.ledger().balance(certificateName).isEmpty()) {
      refuse("login refused: " + certificateName + " is not registered");
      reply(Reply.AUTH_FAIL.wire());
      return;
    }
    String ip = connection.remoteAddress().getHostAddress();
    Optional<Session> older;
    try {
      older = context.presence().login(certificateName, ip, login.port(), this);
    } catch (PresenceException e) {
      end(SessionClosing.of(SessionClosing.Reason.ERROR), "login not published: "
          + e.getMessage());
      return;
    }
    state = State.LOGGED_IN;
    // The older session is ended before this login is answered: the barrier of a replacement.
    // (On another server it was ended by the publication: its row names this session now.)
    older.ifPresent(session -> session.replacedBy(ip, login.port()));
    context.log().event(connection.id(), certificateName, "online at " + ip + ":" + login.port()
        + " (protocol " + version.alpnName() + ")");
    listOnline();
  }

  private void listOnline() {
    if (state != State.LOGGED_IN) {
      refuse("List refused: not logged in");
      reply(Reply.AUTH_FAIL.wire());
      return;
    }
    OptionalLong balance = context.ledger().balance(certificateName);
    send(OnlineList.encode(balance.orElseThrow(() -> new IllegalStateException(
        "logged-in account " + certificateName + " has no balance")),
        context.serverPublicKeyBase64(), context.presence().snapshot().wireEntries()), false);
  }

  /** Version 2: whether a transfer settled, told only to its payer and its payee. */
  private void lookup(Request.Lookup lookup) {
    TransferLookup answer = context.ledger().settledTransfer(lookup.payer(), lookup.transferId())
        .filter(settled -> settled.payer().equals(certificateName)
            || settled.payee().equals(certificateName))
        .map(settled -> TransferLookup.settled(settled.payer(), settled.amountUnits(),
            settled.payee(), lookup.transferId()))
        .orElse(TransferLookup.notSettled(lookup.payer(), lookup.transferId()));
    reply(answer.format());
  }

  private CompletionStage<?> transfer(Request.TransferReport report) {
    long arrivedNanos = System.nanoTime();
    TransferFailure early = earlyFailure(report);
    if (early != null) {
      refuse("transfer " + describe(report) + " refused: " + early);
      reply(TransferResult.failed(early).format());
      context.metrics().transferRefused(early, arrivedNanos);
      return null;
    }
    TransferCommand command = new TransferCommand(report.payer(), report.payee(),
        report.amountUnits(), report.transferId(), connection.id());
    return context.settlement().settle(command).handle((outcome, failure) -> {
      if (failure != null) {
        // No version-1 reply says "try again": end the session instead. The payer reconnects
        // and reports again with the same id, which settles at most once.
        end(SessionClosing.of(SessionClosing.Reason.ERROR), "transfer " + describe(report)
            + " could not be settled (" + failure.getMessage() + ")");
        context.metrics().transferFailed(arrivedNanos);
        return null;
      }
      if (outcome.status() == TransferOutcome.Status.SESSION_REPLACED) {
        // A newer login on another server took the account before this settled: no reply
        // here; the payer reports again on its newer session.
        endAsReplaced("transfer " + describe(report) + " not settled");
        context.metrics().transferFailed(arrivedNanos);
        return null;
      }
      TransferResult result = toResult(outcome);
      if (!result.isOk()) {
        refuse("transfer " + describe(report) + " " + result.format());
      }
      reply(result.format());
      if (result.isOk()) {
        context.metrics().transferSettled(
            outcome.status() == TransferOutcome.Status.ALREADY_SETTLED, report.amountUnits(),
            arrivedNanos);
      } else {
        context.metrics().transferRefused(outcome.status(), arrivedNanos);
      }
      return null;
    });
  }

  private TransferFailure earlyFailure(Request.TransferReport report) {
    if (state != State.LOGGED_IN) {
      return TransferFailure.NOT_LOGGED_IN;
    }
    if (!report.payer().equals(certificateName)) {
      return TransferFailure.NOT_YOUR_ACCOUNT;
    }
    return null;
  }

  private static TransferResult toResult(TransferOutcome outcome) {
    return switch (outcome.status()) {
      case SETTLED, ALREADY_SETTLED -> TransferResult.ok();
      case SELF_PAYMENT -> TransferResult.failed(TransferFailure.SELF_PAYMENT);
      case UNKNOWN_PAYEE -> TransferResult.failed(TransferFailure.UNKNOWN_PAYEE);
      case DUPLICATE_ID -> TransferResult.failed(TransferFailure.DUPLICATE_ID);
      case INSUFFICIENT_FUNDS -> TransferResult.failed(TransferFailure.INSUFFICIENT_FUNDS);
      case LIMIT_EXCEEDED -> TransferResult.failed(TransferFailure.LIMIT_EXCEEDED);
      case UNKNOWN_PAYER, SESSION_REPLACED -> throw new IllegalStateException(
          "no reply for " + outcome);
    };
  }

  private void exit() {
    // The account goes offline now, not when the socket is finally closed.
    if (state == State.LOGGED_IN) {
      context.presence().leave(certificateName, this);
    }
    state = State.CLOSED;
    send(Reply.BYE.wire(), true);
    context.log().event(connection.id(), certificateName, "exit");
  }

  void refuse(String what) {
    context.log().refused(connection.id(), certificateName, what);
  }

  void event(String what) {
    context.log().event(connection.id(), certificateName, what);
  }

  void reply(String line) {
    send(line, false);
  }

  private void send(String line, boolean thenClose) {
    send(Wire.encodeLine(line), thenClose);
  }

  private void send(byte[] bytes, boolean thenClose) {
    context.log().sent(connection.id(), certificateName, bytes);
    if (thenClose) {
      connection.sendAndClose(bytes);
    } else {
      connection.send(bytes);
    }
  }

  /** The request's type as a metric label: its record name in lower case. */
  private static String requestType(Request request) {
    return request.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
  }

  private static String describe(Request.TransferReport report) {
    return report.payer() + "#" + report.amountUnits() + "#" + report.payee()
        + (report.transferId() == null ? "" : " id=" + report.transferId());
  }
}
