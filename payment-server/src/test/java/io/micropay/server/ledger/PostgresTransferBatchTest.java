package io.micropay.server.ledger;

/** Every test of {@link TransferBatchTest}, on a real PostgreSQL server. */
class PostgresTransferBatchTest extends TransferBatchTest {
  @Override
  Dialect dialect() {
    return Dialect.POSTGRESQL;
  }
}
