package io.micropay.server.ledger;

/** Every test of {@link SchemaMigrationsTest}, on a real PostgreSQL server. */
class PostgresSchemaMigrationsTest extends SchemaMigrationsTest {
  @Override
  Dialect dialect() {
    return Dialect.POSTGRESQL;
  }
}
