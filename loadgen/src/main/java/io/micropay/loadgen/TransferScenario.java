package io.micropay.loadgen;

import io.micropay.protocol.Reply;
import io.micropay.protocol.Request;
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
  private final int port;
  private final int firstPayer;

  /**
   * @param firstPayer the index of the first certificate (in {@code clients}) used for payers;
   *     payees use the {@value #PAYEES} before it
   */
  TransferScenario(BulkClients clients, int port, int firstPayer) {
    this.clients = clients;
    this.port = port;
    this.firstPayer = firstPayer;
  }

  /** Registers the payees and {@code payers} payers (once per server). */
  void register(List<String> names, int payers) throws IOException {
    for (int i = 0; i < PAYEES + payers; i++) {
      int index = firstPayer - PAYEES + i;
      try (ProtocolSession session = new ProtocolSession(clients.connect(port, index, 10_000))) {
        session.register(names.get(index));
      }
    }
  }

  Result run(Measurement measurement, List<String> names, int payers) throws Exception {
    List<ProtocolSession> sessions = new ArrayList<>();
    try {
      return measurement.run(NAME, payers + (payers == 1 ? " payer" : " payers"), payers,
          i -> {
            int index = firstPayer + i;
            String payer = names.get(index);
            String payee = names.get(firstPayer - PAYEES + i % PAYEES);
            ProtocolSession session = new ProtocolSession(clients.connect(port, index, 10_000));
            sessions.add(session);
            session.login(payer, 6000);
            long[] sequence = {0};
            return () -> session.expect(new Request.TransferReport(payer, 1, payee,
                payer + "-" + sequence[0]++ + "-bench"), Reply.TRANSFER_OK);
          }, "");
    } finally {
      for (ProtocolSession session : sessions) {
        session.close();
      }
    }
  }
}
