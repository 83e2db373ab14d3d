// The SQL ledger every object keeps (holons, the federation registry): entries, perfect-subtree hashes, signed
// checkpoints, proofs and exports, changed only through `transact`, which owns the storage transaction.
import { ed25519 } from '@noble/curves/ed25519.js'
import {
  type Actor,
  type Checkpoint,
  canonicalRecord,
  type EntryKind,
  EXPORT_TYPE,
  type ExportHeader,
  ed25519Signer,
  encodeVerifierKey,
  fromBase64,
  type Receipt,
  type SealedEntry,
  type Signer,
  sealEntry,
  signCheckpoint,
  systemEntryDue,
  toBase64,
  toHex,
  utf8,
  type VerificationPolicy,
} from '../../functions/ledger/index.ts'
import {
  CompactRange,
  consistencyProof,
  type Hash,
  inclusionProof,
  inclusionProofs,
  type NodeReader,
  rangeHash,
  sha3Tree,
} from '../../functions/merkle/index.ts'
import { FULL_AUDIT } from '../../schemas/ledger.ts'
import type { Db } from './db.ts'
// Every object with a ledger hashes with the WebAssembly SHA3-256 (same digests, ~5x faster than JavaScript).
import './keccak.ts'

/** A ledger's tables, created by the migrations of every object that keeps one. */
export const LEDGER_TABLES = `CREATE TABLE ledger (idx INTEGER PRIMARY KEY, kind TEXT NOT NULL, body TEXT NOT NULL, digest TEXT NOT NULL);
   CREATE TABLE tree_nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx))
     WITHOUT ROWID;
   CREATE TABLE checkpoints (size INTEGER PRIMARY KEY, note TEXT NOT NULL, at TEXT NOT NULL);`

const nodeKey = (level: number, index: number) => `${level}:${index}`
/** SQLite binds BLOBs from ArrayBuffers. */
const blob = (h: Hash): ArrayBuffer => h.slice().buffer as ArrayBuffer

export class LedgerRangeError extends Error {
  override name = 'LedgerRangeError'
}

interface Pending {
  kind: EntryKind
  data: Record<string, unknown>
  canonicalData?: Record<string, string>
}

/**
 * What one transaction appends: a plain accumulator. Entries get their index, chain link and hashes
 * when the ledger seals the transaction, after the caller's function returned.
 */
export class LedgerAppends {
  /** The ledger's name: every entry's `holon` member. */
  readonly name: string
  readonly policy: VerificationPolicy
  /** The transaction's timestamp: every entry's `at`, and what the caller stores alongside. */
  readonly at: string
  private readonly start: number
  readonly pending: Pending[] = []
  /** Who acts in this transaction: every entry's `by`. */
  readonly by: Actor

  constructor(name: string, policy: VerificationPolicy, start: number, at: string, by: Actor) {
    this.name = name
    this.policy = policy
    this.start = start
    this.at = at
    this.by = by
  }

  /**
   * Queues an entry and returns the index it will have. `canonicalData` holds members of `data` the
   * caller already has as canonical JSON (an event), so they are not serialised again.
   */
  append(kind: EntryKind, data: Record<string, unknown>, canonicalData?: Record<string, string>): number {
    this.pending.push({ kind, data, canonicalData })
    return this.start + this.pending.length - 1
  }

  /** Whether a system entry named `key` is due under the ledger's verification policy. */
  due(key: string): boolean {
    return systemEntryDue(this.policy, this.name, key)
  }
}

/** What a committed transaction sealed: its entries and the checkpoint signed over them (none if empty). */
export interface Sealed<T> {
  value: T
  entries: SealedEntry[]
  checkpoint: { size: number; note: string } | null
  /** Perfect nodes before and after the appends, so receipts need no reads. */
  nodes: ReadonlyMap<string, Hash>
}

interface Staged {
  tree: CompactRange
  prev: string | null
  entries: SealedEntry[]
  note: string
  nodes: Map<string, Hash>
}

export class SqlLedger {
  readonly name: string
  readonly origin: string
  readonly verifierKey: string
  readonly publicKey: Uint8Array
  readonly policy: VerificationPolicy
  /** Who writes when no credential acts (alarms: beats, rebuild chunks, ticks): the owner tenant, kid `system`. */
  readonly system: Actor
  private tree: CompactRange
  private prev: string | null
  private latest: { size: number; note: string } | undefined
  /** The ledger key, expanded once; it never leaves the object. */
  private readonly signer: Signer
  private readonly db: Db

  /** `meta` holds the ledger's origin, signing key and policy (see `newMeta`). */
  constructor(db: Db, name: string, meta: Record<string, string>) {
    this.db = db
    this.name = name
    this.origin = meta.origin as string
    this.signer = ed25519Signer(fromBase64(meta.signing_key as string) as Uint8Array)
    this.publicKey = this.signer.publicKey
    this.verifierKey = encodeVerifierKey(this.origin, this.publicKey)
    this.policy = meta.verification ? (JSON.parse(meta.verification) as VerificationPolicy) : FULL_AUDIT
    // Ledgers older than tenants belong to `default`, as their directory entries do.
    this.system = { tenant: meta.tenant || 'default', kid: 'system' }
    const size = Number(db.one<{ n: number }>('SELECT coalesce(max(idx) + 1, 0) AS n FROM ledger')?.n ?? 0)
    const nodes = CompactRange.levelsOf(size).map(({ level, index }) => ({
      level,
      index,
      hash: this.node(level, index),
    }))
    this.tree = new CompactRange(size, nodes)
    this.prev = size === 0 ? null : toHex(this.node(0, size - 1))
    this.latest = db.one<{ size: number; note: string }>(
      'SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1',
    )
  }

  /** Meta rows for a new ledger: its origin, a fresh Ed25519 key (never leaves the object) and its policy. */
  static newMeta(origin: string, policy: VerificationPolicy = FULL_AUDIT): [string, string][] {
    const seed = ed25519.utils.randomSecretKey()
    return [
      ['origin', origin],
      ['signing_key', toBase64(seed)],
      ['verification', JSON.stringify(policy)],
    ]
  }

  get size(): number {
    return this.tree.size
  }

  root(): Hash {
    return this.tree.root(sha3Tree)
  }

  /**
   * The one way to change the ledger: runs `f` in a storage transaction with an accumulator, then seals
   * what it appended (entry and node rows, a signed checkpoint) in the same transaction. The ledger's
   * memory moves only after the transaction committed; if `f` or sealing throws, nothing changed.
   */
  transact<T>(f: (appends: LedgerAppends) => T, at = new Date().toISOString(), by?: Actor): Sealed<T> {
    const appends = new LedgerAppends(this.name, this.policy, this.tree.size, at, by ?? this.system)
    let staged: Staged | undefined
    const value = this.db.transaction(() => {
      const v = f(appends)
      if (appends.pending.length > 0) staged = this.seal(appends)
      return v
    })
    if (!staged) return { value, entries: [], checkpoint: null, nodes: new Map() }
    this.tree = staged.tree
    this.prev = staged.prev
    this.latest = { size: staged.tree.size, note: staged.note }
    return { value, entries: staged.entries, checkpoint: this.latest, nodes: staged.nodes }
  }

  /** Hashes, chains and stores the pending entries, then signs the new tree head. Inside the transaction. */
  private seal(appends: LedgerAppends): Staged {
    const tree = this.tree.clone()
    const nodes = new Map(tree.nodes.map((n) => [nodeKey(n.level, n.index), n.hash]))
    const entryRows: SqlStorageValue[][] = []
    const nodeRows: SqlStorageValue[][] = []
    const entries: SealedEntry[] = []
    let prev = this.prev
    // Once per transaction, not per entry (the commit path's speed).
    const by = appends.by
    const byText = canonicalRecord(by)
    for (const p of appends.pending) {
      const index = tree.size
      const sealed = sealEntry(
        { v: 1, holon: this.name, index, prev, at: appends.at, by, kind: p.kind, data: p.data },
        p.canonicalData,
        byText,
      )
      entryRows.push([index, p.kind, sealed.text, sealed.digestHex])
      for (const n of tree.append(sha3Tree, sealed.leaf)) {
        nodeRows.push([n.level, n.index, blob(n.hash)])
        nodes.set(nodeKey(n.level, n.index), n.hash)
      }
      prev = sealed.leafHex
      entries.push(sealed)
    }
    // Multi-row inserts: a batch of 100 events is a few statements, not 300.
    this.db.insertMany('ledger', ['idx', 'kind', 'body', 'digest'], entryRows)
    this.db.insertMany('tree_nodes', ['level', 'idx', 'hash'], nodeRows)
    const note = signCheckpoint(
      { origin: this.origin, size: tree.size, root: tree.root(sha3Tree) },
      this.signer,
    )
    this.db.run(
      'INSERT OR REPLACE INTO checkpoints (size, note, at) VALUES (?, ?, ?)',
      tree.size,
      note,
      appends.at,
    )
    return { tree, prev, entries, note, nodes }
  }

  /** Receipts for what a transaction sealed, against its checkpoint; proofs come from memory. */
  receipts(sealed: Sealed<unknown>): Receipt[] {
    const cp = sealed.checkpoint
    if (!cp) return []
    const proofs = inclusionProofs(
      sha3Tree,
      this.reader(sealed.nodes),
      sealed.entries.map((s) => s.entry.index),
      cp.size,
    )
    // The paths share most of their hashes (the ranges right of the batch, the batch's upper nodes): each is
    // written in hex once.
    const hex = new Map<Hash, string>()
    const hexOf = (h: Hash): string => {
      let text = hex.get(h)
      if (text === undefined) {
        text = toHex(h)
        hex.set(h, text)
      }
      return text
    }
    return sealed.entries.map((s, i) => ({
      holon: this.name,
      index: s.entry.index,
      entry: s.entry,
      entry_hash: s.digestHex,
      leaf_hash: s.leafHex,
      checkpoint: cp.note,
      inclusion: (proofs[i] as Hash[]).map(hexOf),
    }))
  }

  /** A receipt for an entry already in the ledger, against the latest checkpoint. */
  receiptFor(index: number): Receipt {
    const row = this.db.one<{ body: string; digest: string }>(
      'SELECT body, digest FROM ledger WHERE idx = ?',
      index,
    )
    if (!row) throw new LedgerRangeError(`no ledger entry ${index}`)
    const cp = this.checkpoint()
    return {
      holon: this.name,
      index,
      entry: JSON.parse(row.body),
      entry_hash: row.digest,
      leaf_hash: toHex(this.node(0, index)),
      checkpoint: cp.note,
      inclusion: this.inclusion(index, cp.size).map(toHex),
    }
  }

  /** Signs with the ledger key (which never leaves the object): rhizome artifacts and alerts. */
  sign(bytes: Uint8Array): Uint8Array {
    return this.signer.sign(bytes)
  }

  private node(level: number, index: number): Hash {
    const row = this.db.one<{ hash: ArrayBuffer }>(
      'SELECT hash FROM tree_nodes WHERE level = ? AND idx = ?',
      level,
      index,
    )
    if (!row) throw new Error(`missing tree node ${level}:${index}`)
    return new Uint8Array(row.hash)
  }

  /** Node lookups memoised for one request, seeded with nodes already in memory. */
  reader(known?: ReadonlyMap<string, Hash>): NodeReader {
    const memo = new Map(known)
    return (level, index) => {
      const k = nodeKey(level, index)
      let h = memo.get(k)
      if (!h) {
        h = this.node(level, index)
        memo.set(k, h)
      }
      return h
    }
  }

  private checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 1 || size > this.size) {
      throw new LedgerRangeError(`tree size must be between 1 and ${this.size}`)
    }
  }

  /** The root of the tree of the first `size` entries (the current one from memory). */
  rootAt(size: number, read = this.reader()): Hash {
    this.checkSize(size)
    return size === this.size ? this.root() : rangeHash(sha3Tree, read, 0, size)
  }

  /** A signed checkpoint for any size up to the current one (the latest is stored, older ones re-signed). */
  checkpoint(size = this.size): Checkpoint & { note: string } {
    const root = size === 0 ? sha3Tree.empty() : this.rootAt(size)
    const stored = this.latest?.size === size ? this.latest.note : undefined
    return {
      origin: this.origin,
      size,
      root,
      note: stored ?? signCheckpoint({ origin: this.origin, size, root }, this.signer),
    }
  }

  /** The latest signed checkpoint's size and note (stored at every seal; signed now only if none is). */
  latestCheckpoint(): { size: number; note: string } {
    if (this.latest?.size === this.size) return this.latest
    const { size, note } = this.checkpoint()
    return { size, note }
  }

  inclusion(index: number, size: number, read = this.reader()): Hash[] {
    this.checkSize(size)
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
      throw new LedgerRangeError(`index must be between 0 and ${size - 1}`)
    }
    return inclusionProof(sha3Tree, read, index, size)
  }

  consistency(from: number, to: number): Hash[] {
    this.checkSize(to)
    if (!Number.isSafeInteger(from) || from < 1 || from > to)
      throw new LedgerRangeError(`from must be between 1 and ${to}`)
    return consistencyProof(sha3Tree, this.reader(), from, to)
  }

  page(
    from: number,
    limit: number,
  ): { index: number; kind: string; body: string; digest: string; leaf: string }[] {
    return this.db
      .all<{ idx: number; kind: string; body: string; digest: string }>(
        'SELECT idx, kind, body, digest FROM ledger WHERE idx >= ? ORDER BY idx LIMIT ?',
        from,
        limit,
      )
      .map((r) => ({
        index: r.idx,
        kind: r.kind,
        body: r.body,
        digest: r.digest,
        leaf: toHex(this.node(0, r.idx)),
      }))
  }

  private exportHeader(from: number, to: number): ExportHeader {
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || from > to || to > this.size) {
      throw new LedgerRangeError(`need 0 <= from <= to <= ${this.size}`)
    }
    return {
      type: EXPORT_TYPE,
      version: 1,
      holon: this.name,
      origin: this.origin,
      from,
      to,
      frontier: CompactRange.levelsOf(from).map(({ level, index }) => toHex(this.node(level, index))),
      prev: from === 0 ? null : toHex(this.node(0, from - 1)),
      checkpoint: this.checkpoint(to).note,
      verifier_key: this.verifierKey,
    }
  }

  /** JSONL: the header, then the canonical entries [from, to), read a page at a time (bounded memory). */
  exportStream(from: number, to: number, pageSize = 1000): ReadableStream<Uint8Array> {
    const header = this.exportHeader(from, to)
    let next = from
    let sentHeader = false
    return new ReadableStream<Uint8Array>({
      pull: (controller) => {
        if (!sentHeader) {
          sentHeader = true
          controller.enqueue(utf8(`${JSON.stringify(header)}\n`))
          return
        }
        if (next >= to) return controller.close()
        const rows = this.db.all<{ body: string }>(
          'SELECT body FROM ledger WHERE idx >= ? AND idx < ? ORDER BY idx',
          next,
          Math.min(to, next + pageSize),
        )
        next += rows.length
        if (rows.length === 0) return controller.close()
        controller.enqueue(utf8(`${rows.map((r) => r.body).join('\n')}\n`))
      },
    })
  }
}
