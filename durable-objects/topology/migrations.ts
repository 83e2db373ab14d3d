// The Topology object's SQLite schema: one versioned list of migrations, applied in order at start-up.
import { migrate as apply } from '../shared/migrations.ts'

export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
   CREATE TABLE nodes (
     slot INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, coords BLOB NOT NULL, load REAL NOT NULL, region TEXT);
   CREATE TABLE edges (a INTEGER NOT NULL, b INTEGER NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID;
   CREATE INDEX edges_b ON edges (b);`,
]

/** Applies the migrations the database has not seen yet (the shared runner, with this list). */
export const migrate = (sql: SqlStorage): void => apply(sql, MIGRATIONS)
