// The holon object's SQLite schema: one versioned list of migrations, applied in order at start-up.
import { LEDGER_TABLES } from '../shared/sql-ledger.ts'

export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
   CREATE TABLE kernels (
     version INTEGER PRIMARY KEY, digest TEXT NOT NULL, spec TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('active', 'pending', 'superseded', 'abandoned')),
     created_at TEXT NOT NULL, activated_at TEXT);
   CREATE TABLE events (
     seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL, digest TEXT NOT NULL,
     kernel_version INTEGER NOT NULL, verdict TEXT NOT NULL, torsion REAL NOT NULL, result TEXT NOT NULL,
     override_reason TEXT, committed_at TEXT NOT NULL);
   CREATE TABLE rejections (
     seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, digest TEXT NOT NULL,
     kernel_version INTEGER NOT NULL, verdict TEXT NOT NULL, torsion REAL NOT NULL, result TEXT NOT NULL,
     at TEXT NOT NULL);
   CREATE TABLE aggregates (name TEXT PRIMARY KEY, digest TEXT NOT NULL, state TEXT NOT NULL);
   CREATE TABLE rebuild (name TEXT PRIMARY KEY, digest TEXT NOT NULL, state TEXT NOT NULL);`,
  // v2: the ledger. Entries are canonical JSON; tree_nodes holds every perfect subtree (level 0 = leaves).
  `${LEDGER_TABLES}
   ALTER TABLE events ADD COLUMN ledger_index INTEGER;
   ALTER TABLE rejections ADD COLUMN ledger_index INTEGER;`,
  // v3: the pulse. One controller row; a snapshot per beat; KAIROS samples (state vectors at beats and commits);
  // a partial index so witness entries list without scanning the ledger.
  `CREATE TABLE pulse (
     id INTEGER PRIMARY KEY CHECK (id = 1), running INTEGER NOT NULL, beat INTEGER NOT NULL, next_at INTEGER,
     config TEXT NOT NULL, memory TEXT NOT NULL, seen_seq INTEGER NOT NULL, seen_rejection INTEGER NOT NULL,
     collapsed INTEGER NOT NULL);
   CREATE TABLE pulse_beats (beat INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, body TEXT NOT NULL);
   CREATE INDEX pulse_beats_at ON pulse_beats (at_ms);
   CREATE TABLE kairos_samples (n INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, source TEXT NOT NULL, phi TEXT NOT NULL);
   CREATE INDEX kairos_samples_at ON kairos_samples (at_ms);
   CREATE INDEX ledger_witness ON ledger (idx) WHERE kind LIKE 'witness.%';`,
  // v4: mesh-sync memory: the peer T_P values, weights and beat-phase offsets each beat coupled to.
  `CREATE TABLE mesh_sync (
     beat INTEGER NOT NULL, at_ms INTEGER NOT NULL, node TEXT NOT NULL, origin TEXT NOT NULL, holon TEXT NOT NULL,
     weight REAL NOT NULL, t_re REAL NOT NULL, t_im REAL NOT NULL, offset REAL NOT NULL,
     PRIMARY KEY (beat, node, origin, holon));`,
  // kernel lab (cause): a rollback's ledger index on each event it compensated; such events no longer fold.
  `ALTER TABLE events ADD COLUMN compensated_by INTEGER;`,
  // kernel lab (stress): the holon's one stress job, its input snapshot (kernel, start state), cursor and progress.
  `CREATE TABLE lab_stress (
     id INTEGER PRIMARY KEY CHECK (id = 1), status TEXT NOT NULL, input TEXT NOT NULL, kernel_id TEXT NOT NULL,
     budget_ms INTEGER NOT NULL, budget_steps INTEGER NOT NULL, spent_steps INTEGER NOT NULL,
     chunk_steps INTEGER NOT NULL, chunks INTEGER NOT NULL, cursor TEXT, progress TEXT, error TEXT,
     started_at TEXT NOT NULL, updated_at TEXT NOT NULL);`,
  // lab induction: a kernel version may be `proposed` (filed from history, waiting for an admin's decision).
  // SQLite cannot alter a CHECK constraint: the kernels table is rebuilt with its rows copied.
  `CREATE TABLE kernels_induction (
     version INTEGER PRIMARY KEY, digest TEXT NOT NULL, spec TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('active', 'pending', 'superseded', 'abandoned', 'proposed')),
     created_at TEXT NOT NULL, activated_at TEXT);
   INSERT INTO kernels_induction (version, digest, spec, status, created_at, activated_at)
     SELECT version, digest, spec, status, created_at, activated_at FROM kernels;
   DROP TABLE kernels;
   ALTER TABLE kernels_induction RENAME TO kernels;
   CREATE TABLE kernel_proposals (
     version INTEGER PRIMARY KEY, origin TEXT NOT NULL, base_version INTEGER NOT NULL, kind TEXT NOT NULL,
     evidence TEXT NOT NULL, ledger_index INTEGER NOT NULL, created_at TEXT NOT NULL,
     decision TEXT, reason TEXT, decided_at TEXT);`,
  // attestation (issue 15): each commitment's document and its secret opening (values, presence, blinding).
  `CREATE TABLE attestations (ledger_index INTEGER PRIMARY KEY, doc TEXT NOT NULL, opening TEXT NOT NULL);`,
]
