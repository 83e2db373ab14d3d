// The Topology object's SQLite schema: one versioned list of migrations, applied in order at start-up.
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
   CREATE TABLE nodes (
     slot INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, coords BLOB NOT NULL, load REAL NOT NULL, region TEXT);
   CREATE TABLE edges (a INTEGER NOT NULL, b INTEGER NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID;
   CREATE INDEX edges_b ON edges (b);`,
]

/** Applies the migrations the database has not seen yet; `_schema` records how far it got. */
export function migrate(sql: SqlStorage): void {
  sql.exec('CREATE TABLE IF NOT EXISTS _schema (version INTEGER NOT NULL)')
  const row = sql.exec<{ version: number }>('SELECT version FROM _schema').toArray()[0]
  if (!row) sql.exec('INSERT INTO _schema (version) VALUES (0)')
  for (let v = row?.version ?? 0; v < MIGRATIONS.length; v++) {
    sql.exec(MIGRATIONS[v] as string)
    sql.exec('UPDATE _schema SET version = ?', v + 1)
  }
}
