// The directory object's SQLite schema: one versioned list of migrations, applied in order at start-up.
import { migrate as apply } from '../shared/migrations.ts'

const MIGRATIONS: readonly string[] = [
  // One table for every kind of named object (holons, stored topologies).
  `CREATE TABLE entries (
     kind TEXT NOT NULL, id TEXT NOT NULL, registered_at TEXT NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID;`,
  // Issue 13: every object belongs to one tenant; objects registered before tenants belong to `default`.
  `ALTER TABLE entries ADD COLUMN tenant TEXT NOT NULL DEFAULT 'default';
   CREATE INDEX entries_by_tenant ON entries (kind, tenant, id);`,
]

/** Applies the migrations the database has not seen yet (the shared runner, with this list). */
export const migrate = (sql: SqlStorage): void => apply(sql, MIGRATIONS)
