// The holon's ledger in SQLite: entries, perfect-subtree hashes, signed checkpoints, proofs and exports.
import { ed25519 } from '@noble/curves/ed25519.js'
import {
  type Checkpoint,
  type EntryKind,
  EXPORT_TYPE,
  type ExportHeader,
  fromBase64,
  holonVerifierKey,
  type Receipt,
  type SealedEntry,
  sealEntry,
  signCheckpoint,
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
  type NodeReader,
  rangeHash,
  sha3Tree,
} from '../../functions/merkle/index.ts'
import type { Db } from './db.ts'

const key = (level: number, index: number) => `${level}:${index}`
/** SQLite binds BLOBs from ArrayBuffers. */
const blob = (h: Hash): ArrayBuffer => h.slice().buffer as ArrayBuffer

export class LedgerRangeError extends Error {
  override name = 'LedgerRangeError'
}

/** Appends made inside one storage transaction; the ledger adopts them only once it committed. */
export class LedgerWriter {
  readonly tree: CompactRange
  prev: string | null
  readonly created = new Map<string, Hash>()
  private readonly entryRows: SqlStorageValue[][] = []
  private readonly nodeRows: SqlStorageValue[][] = []
  note?: string

  private readonly ledger: HolonLedger

  constructor(ledger: HolonLedger, tree: CompactRange, prev: string | null) {
    this.ledger = ledger
    this.tree = tree
    this.prev = prev
  }

  get size(): number {
    return this.tree.size
  }

  get policy(): VerificationPolicy {
    return this.ledger.policy
  }

  get holon(): string {
    return this.ledger.holon
  }

  append(kind: EntryKind, data: Record<string, unknown>, at: string): SealedEntry {
    const index = this.tree.size
    const sealed = sealEntry({ v: 1, holon: this.ledger.holon, index, prev: this.prev, at, kind, data })
    const nodes = this.tree.append(sha3Tree, sealed.leaf)
    this.entryRows.push([index, kind, sealed.text, toHex(sealed.digest)])
    for (const n of nodes) {
      this.nodeRows.push([n.level, n.index, blob(n.hash)])
      this.created.set(key(n.level, n.index), n.hash)
    }
    this.prev = toHex(sealed.leaf)
    return sealed
  }

  /** Signs and stores the checkpoint of everything appended so far. */
  seal(at: string): string {
    this.ledger.writeRows(this.entryRows.splice(0), this.nodeRows.splice(0))
    this.note = this.ledger.signAndStore(this.tree.size, this.tree.root(sha3Tree), at)
    return this.note
  }
}

export class HolonLedger {
  readonly holon: string
  readonly origin: string
  readonly verifierKey: string
  readonly publicKey: Uint8Array
  readonly policy: VerificationPolicy
  private tree: CompactRange
  private prev: string | null
  private latest: { size: number; note: string } | undefined
  private readonly secret: Uint8Array
  private readonly db: Db

  constructor(db: Db, holon: string, meta: Record<string, string>) {
    this.db = db
    this.holon = holon
    this.origin = meta.origin as string
    this.secret = fromBase64(meta.signing_key as string) as Uint8Array
    this.publicKey = ed25519.getPublicKey(this.secret)
    this.verifierKey = holonVerifierKey(this.origin, this.secret)
    this.policy = JSON.parse(
      meta.verification ?? '{"level":"full_audit","sample_rate":1}',
    ) as VerificationPolicy
    const size = Number(db.one<{ n: number }>('SELECT coalesce(max(idx) + 1, 0) AS n FROM ledger')?.n ?? 0)
    const nodes = CompactRange.levelsOf(size).map(({ level, index }) => ({
      level,
      index,
      hash: this.node(level, index),
    }))
    this.tree = new CompactRange(size, nodes)
    this.prev = size === 0 ? null : toHex(this.node(0, size - 1))
    const cp = db.one<{ size: number; note: string }>(
      'SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1',
    )
    this.latest = cp
  }

  /** Meta rows for a new holon: its origin, a fresh Ed25519 key (never leaves the object) and its policy. */
  static newMeta(origin: string, policy: VerificationPolicy): [string, string][] {
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

  writer(): LedgerWriter {
    return new LedgerWriter(this, this.tree.clone(), this.prev)
  }

  adopt(w: LedgerWriter): void {
    this.tree = w.tree
    this.prev = w.prev
    if (w.note) this.latest = { size: w.tree.size, note: w.note }
  }

  /** Entries and perfect nodes as multi-row inserts (a batch of 100 events is a few statements, not 300). */
  writeRows(entries: SqlStorageValue[][], nodes: SqlStorageValue[][]): void {
    this.db.insertMany('ledger', ['idx', 'kind', 'body', 'digest'], entries)
    this.db.insertMany('tree_nodes', ['level', 'idx', 'hash'], nodes)
  }

  /** Signs with the holon key (which never leaves the object): rhizome artifacts. */
  sign(bytes: Uint8Array): Uint8Array {
    return ed25519.sign(bytes, this.secret)
  }

  signAndStore(size: number, root: Hash, at: string): string {
    const note = signCheckpoint({ origin: this.origin, size, root }, this.secret)
    this.db.run('INSERT OR REPLACE INTO checkpoints (size, note, at) VALUES (?, ?, ?)', size, note, at)
    return note
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

  /** Node lookups memoised for one request, seeded with nodes a writer just created. */
  reader(created?: Map<string, Hash>): NodeReader {
    const memo = new Map(created)
    return (level, index) => {
      const k = key(level, index)
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
    if (size === 0) return { origin: this.origin, size, root: sha3Tree.empty(), note: this.emptyNote() }
    const root = this.rootAt(size)
    const stored = this.latest?.size === size ? this.latest.note : undefined
    return {
      origin: this.origin,
      size,
      root,
      note: stored ?? signCheckpoint({ origin: this.origin, size, root }, this.secret),
    }
  }

  private emptyNote(): string {
    return signCheckpoint({ origin: this.origin, size: 0, root: sha3Tree.empty() }, this.secret)
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

  /** A receipt for entry `index` against the writer's fresh checkpoint. */
  receipt(w: LedgerWriter, index: number, sealed: SealedEntry, read: NodeReader): Receipt {
    return {
      holon: this.holon,
      index,
      entry: sealed.entry,
      entry_hash: toHex(sealed.digest),
      leaf_hash: toHex(sealed.leaf),
      checkpoint: w.note as string,
      inclusion: inclusionProof(sha3Tree, read, index, w.size).map(toHex),
    }
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
      holon: this.holon,
      index,
      entry: JSON.parse(row.body),
      entry_hash: row.digest,
      leaf_hash: toHex(this.node(0, index)),
      checkpoint: cp.note,
      inclusion: this.inclusion(index, cp.size).map(toHex),
    }
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

  exportHeader(from: number, to: number): ExportHeader {
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || from > to || to > this.size) {
      throw new LedgerRangeError(`need 0 <= from <= to <= ${this.size}`)
    }
    return {
      type: EXPORT_TYPE,
      version: 1,
      holon: this.holon,
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
