// The directory object's SQLite schema: one versioned list of migrations, applied in order at start-up.
import { migrate as apply } from '../holon/migrations.ts'

export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE holons (id TEXT PRIMARY KEY, registered_at TEXT NOT NULL) WITHOUT ROWID;`,
  // v2: one table for every kind of named object (holons, stored topologies); the holons move over unchanged.
  `CREATE TABLE entries (
     kind TEXT NOT NULL, id TEXT NOT NULL, registered_at TEXT NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID;
   INSERT INTO entries (kind, id, registered_at) SELECT 'holon', id, registered_at FROM holons;
   DROP TABLE holons;`,
]

/** Applies the migrations the database has not seen yet (the holon's runner, with this list). */
export const migrate = (sql: SqlStorage): void => apply(sql, MIGRATIONS)
