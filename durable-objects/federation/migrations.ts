// The federation registry's SQLite schema, versioned like the holon's; its ledger uses the same tables.
import { LEDGER_TABLES } from '../shared/sql-ledger.ts'

export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
   CREATE TABLE local_artifacts (holon TEXT PRIMARY KEY, origin TEXT NOT NULL, artifact TEXT NOT NULL);
   CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, holon TEXT NOT NULL, payload TEXT NOT NULL);
   CREATE TABLE peers (
     origin TEXT PRIMARY KEY, verifier_key TEXT NOT NULL, holon TEXT NOT NULL, mvk_id TEXT NOT NULL,
     kernel_version INTEGER NOT NULL, kernel_digest TEXT NOT NULL, issued_at TEXT NOT NULL,
     artifact TEXT NOT NULL, received_at TEXT NOT NULL, ledger_index INTEGER NOT NULL);
   CREATE TABLE drops (reason TEXT PRIMARY KEY, n INTEGER NOT NULL);
   ${LEDGER_TABLES}`,
  // v2: cross-witnessing: cosignatures of our holons' checkpoints, and flags raised against any origin.
  `CREATE TABLE cosignatures (
     origin TEXT NOT NULL, size INTEGER NOT NULL, witness TEXT NOT NULL, root TEXT NOT NULL, line TEXT NOT NULL,
     note TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (origin, size, witness));
   CREATE TABLE flags (id INTEGER PRIMARY KEY AUTOINCREMENT, origin TEXT NOT NULL, reason TEXT NOT NULL,
     notes TEXT NOT NULL, detail TEXT NOT NULL, at TEXT NOT NULL);`,
  // v3: pulse alerts received from peers (our own go out through the outbox).
  `CREATE TABLE alerts (id INTEGER PRIMARY KEY AUTOINCREMENT, origin TEXT NOT NULL, issued_at TEXT NOT NULL,
     alert TEXT NOT NULL, received_at TEXT NOT NULL, UNIQUE (origin, issued_at));`,
  // v4: what this organisation's node(s) report about their live peers (P of the holons' pulse).
  `CREATE TABLE presence (node TEXT PRIMARY KEY, live_peers INTEGER NOT NULL, at_ms INTEGER NOT NULL);`,
  // v5: key and origin conflicts seen by the inbox (a pinned origin under another key, our own origin reused).
  `CREATE TABLE conflicts (origin TEXT NOT NULL, reason TEXT NOT NULL, verifier_key TEXT NOT NULL,
     detail TEXT NOT NULL, first_at TEXT NOT NULL, last_at TEXT NOT NULL, n INTEGER NOT NULL,
     PRIMARY KEY (origin, reason, verifier_key));`,
  // v6: mesh phase synchronisation: our holons' latest beats, and peers' pulses (latest per sending node and holon).
  `CREATE TABLE mesh_local (holon TEXT PRIMARY KEY, next_at INTEGER NOT NULL, pulse TEXT NOT NULL, at_ms INTEGER NOT NULL);
   CREATE TABLE mesh_peers (node TEXT NOT NULL, holon TEXT NOT NULL, origin TEXT NOT NULL, beat_at INTEGER NOT NULL,
     next_at INTEGER NOT NULL, pulse TEXT NOT NULL, received_ms INTEGER NOT NULL, PRIMARY KEY (node, holon));
   CREATE INDEX mesh_peers_received ON mesh_peers (received_ms);`,
]
