// The directory object's SQLite schema: one versioned list of migrations, applied in order at start-up.
import { migrate as apply } from '../shared/migrations.ts'

export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE holons (id TEXT PRIMARY KEY, registered_at TEXT NOT NULL) WITHOUT ROWID;`,
]

/** Applies the migrations the database has not seen yet (the shared runner, with this list). */
export const migrate = (sql: SqlStorage): void => apply(sql, MIGRATIONS)
