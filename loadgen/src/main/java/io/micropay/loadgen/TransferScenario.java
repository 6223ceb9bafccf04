package io.micropay.loadgen;

import io.micropay.protocol.Reply;
import io.micropay.protocol.Request;
import io.micropay.testing.ProtocolClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Scenario 2: settled transfers per second over established, logged-in sessions. Each payer has
 * its own session and pays one unit at a time with a fresh transfer id, waiting for
 * {@code Transfer OK!} before the next (a closed loop), so the number of payers is the number of
 * transfers in flight.
 */
final class TransferScenario {
  static final String NAME = "2 transfers";
  /** Accounts the payers pay, round robin: enough rows that payers rarely share one. */
  static final int PAYEES = 16;

  private final BulkClients clients;
  private final int[] ports;
  private final int firstPayer;
  /** Rows run so far; a row's number is part of its transfer ids. */
  private int rows;

  /**
   * @param firstPayer the index of the first certificate (in {@code clients}) used for payers;
   *     payees use the {@value #PAYEES} before it
   * @param ports the servers' ports: payer {@code i} uses {@code ports[i % ports.length]}
   *     (several servers sharing one ledger); accounts are registered through the first
   */
  TransferScenario(BulkClients clients, int firstPayer, int... ports) {
    if (ports.length == 0) {
      throw new IllegalArgumentException("at least one server port");
    }
    this.clients = clients;
    this.ports = ports.clone();
    this.firstPayer = firstPayer;
  }

  /** Registers the payees and {@code payers} payers (once per server). */
  void register(List<String> names, int payers) throws IOException {
    for (int i = 0; i < PAYEES + payers; i++) {
      int index = firstPayer - PAYEES + i;
      try (ProtocolClient session = new ProtocolClient(clients.connect(ports[0], index,
          10_000))) {
        session.register(names.get(index));
      }
    }
  }

  /**
   * One row: {@code payers} sessions pay for the measured time, then each payer's balance is
   * read again. Every report answered {@code Transfer OK!} must have moved money: the server also
   * answers OK to a report it settled before (same payer and id), and a bench that repeated ids
   * would time that lookup instead of settlements. So ids carry the row's number, and a balance
   * that fell by less than the payer's reports fails the row.
   */
  Result run(Measurement measurement, List<String> names, int payers) throws Exception {
    int row = ++rows;
    List<Payer> started = new ArrayList<>();
    try {
      Result result = measurement.run(NAME, payers + (payers == 1 ? " payer" : " payers"),
          payers, i -> {
            int index = firstPayer + i;
            String payer = names.get(index);
            String payee = names.get(firstPayer - PAYEES + i % PAYEES);
            ProtocolClient session = new ProtocolClient(clients.connect(
                ports[i % ports.length], index, 10_000));
            Payer payerOfRow = new Payer(payer, session);
            started.add(payerOfRow);
            payerOfRow.logIn();
            return () -> session.expect(new Request.TransferReport(payer, 1, payee,
                payer + "-" + row + "-" + payerOfRow.reported++), Reply.TRANSFER_OK);
          }, "");
      for (Payer payer : started) {
        payer.checkSettled();
      }
      return result;
    } finally {
      for (Payer payer : started) {
        payer.session.close();
      }
    }
  }

  /** A payer of one row: its session, its balance when it logged in, what it reported since. */
  private static final class Payer {
    private final String name;
    private final ProtocolClient session;
    private long balanceAtLoginUnits;
    /** Reports sent, each of one unit; written by the payer's bench thread only. */
    private long reported;

    Payer(String name, ProtocolClient session) {
      this.name = name;
      this.session = session;
    }

    void logIn() throws IOException {
      balanceAtLoginUnits = session.login(name, 6000).balanceUnits();
    }

    /** Throws unless every report of this row moved one unit out of the payer's account. */
    void checkSettled() throws IOException {
      long settled = balanceAtLoginUnits - session.list().balanceUnits();
      if (settled != reported) {
        throw new IllegalStateException(name + " had " + reported + " transfers answered OK but"
            + " its balance fell by " + settled + ": the row did not measure settlements");
      }
    }
  }
}
