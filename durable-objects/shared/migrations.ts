// The migrations runner every SQLite Durable Object uses: one versioned list per object, applied in order.

/** Applies the migrations the database has not seen yet; `_schema` records how far it got. */
export function migrate(sql: SqlStorage, migrations: readonly string[]): void {
  sql.exec('CREATE TABLE IF NOT EXISTS _schema (version INTEGER NOT NULL)')
  const row = sql.exec<{ version: number }>('SELECT version FROM _schema').toArray()[0]
  if (!row) sql.exec('INSERT INTO _schema (version) VALUES (0)')
  for (let v = row?.version ?? 0; v < migrations.length; v++) {
    sql.exec(migrations[v] as string)
    sql.exec('UPDATE _schema SET version = ?', v + 1)
  }
}
