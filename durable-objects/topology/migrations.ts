// The Topology object's SQLite schema: one versioned list of migrations, applied in order at start-up.
import { migrate as apply } from '../shared/migrations.ts'

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
   CREATE TABLE nodes (
     slot INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, coords BLOB NOT NULL, load REAL NOT NULL, region TEXT);
   CREATE TABLE edges (a INTEGER NOT NULL, b INTEGER NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID;
   CREATE INDEX edges_b ON edges (b);`,
  // v2: an embedding job in chunks: its state (one row), its spanning tree (BFS order and parents as int32
  // blobs) and the nodes placed so far (plane point, half edge length, and the padded coordinates it commits).
  `CREATE TABLE embed_job (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL);
   CREATE TABLE embed_tree (id INTEGER PRIMARY KEY CHECK (id = 1), ord BLOB NOT NULL, parent BLOB NOT NULL);
   CREATE TABLE embed_coords (
     slot INTEGER PRIMARY KEY, x REAL NOT NULL, y REAL NOT NULL, half REAL NOT NULL, coords BLOB NOT NULL);`,
]

/** Applies the migrations the database has not seen yet (the shared runner, with this list). */
export const migrate = (sql: SqlStorage): void => apply(sql, MIGRATIONS)
