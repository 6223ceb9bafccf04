package io.micropay.server.ledger;

/** Every test of {@link ExactlyOnceTest}, on a real PostgreSQL server. */
class PostgresExactlyOnceTest extends ExactlyOnceTest {
  @Override
  Dialect dialect() {
    return Dialect.POSTGRESQL;
  }
}
