// The orchestrator object's SQLite schema: one versioned list of migrations, applied in order at start-up.
import { migrate as apply } from '../shared/migrations.ts'
import { LEDGER_TABLES } from '../shared/sql-ledger.ts'

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
   CREATE TABLE nodes (id TEXT PRIMARY KEY, doc TEXT NOT NULL) WITHOUT ROWID;
   CREATE TABLE workloads (id TEXT PRIMARY KEY, doc TEXT NOT NULL, last_change INTEGER) WITHOUT ROWID;
   CREATE TABLE replicas (
     workload TEXT NOT NULL, slot INTEGER NOT NULL, node TEXT NOT NULL, coordinates TEXT NOT NULL,
     since_tick INTEGER NOT NULL, PRIMARY KEY (workload, slot)) WITHOUT ROWID;
   CREATE TABLE demand (
     workload TEXT NOT NULL, step INTEGER NOT NULL, rate_sum REAL NOT NULL, n INTEGER NOT NULL, latency_max REAL,
     errors REAL NOT NULL DEFAULT 0, PRIMARY KEY (workload, step)) WITHOUT ROWID;
   CREATE TABLE node_obs (
     node TEXT NOT NULL, step INTEGER NOT NULL, health TEXT, utilisation REAL, PRIMARY KEY (node, step)) WITHOUT ROWID;
   CREATE TABLE tick_inputs (
     tick INTEGER PRIMARY KEY, inputs TEXT NOT NULL, plan_digest TEXT NOT NULL, bytes INTEGER NOT NULL,
     ledger_index INTEGER);
   CREATE TABLE tick_work (tick INTEGER NOT NULL, workload TEXT NOT NULL, assessed TEXT NOT NULL);
   ${LEDGER_TABLES}`,
  // attestation (issue 15): placement commitments' documents and their secret openings.
  `CREATE TABLE attestations (ledger_index INTEGER PRIMARY KEY, doc TEXT NOT NULL, opening TEXT NOT NULL);`,
]

/** Applies the migrations the database has not seen yet (the shared runner, with this list). */
export const migrate = (sql: SqlStorage): void => apply(sql, MIGRATIONS)
