// Commit receipts: one entry, its hashes, a signed checkpoint and an inclusion proof, verifiable offline.
import type { Receipt } from '../../schemas/ledger.ts'
import { canonicalJson } from '../canonical/index.ts'
import { equalBytes, rootFromInclusion, sha3_256, sha3Tree } from '../merkle/index.ts'
import { verifyCheckpoint } from './checkpoint.ts'
import { hexToBytes, toHex, utf8 } from './encoding.ts'
import { attempt, Checks, type VerifyReport } from './report.ts'

export type { Receipt }

export function verifyReceipt(r: Receipt, verifierKey: string): VerifyReport {
  const checks = new Checks()
  const bytes = attempt(checks, 'entry is representable as canonical JSON', () =>
    utf8(canonicalJson(r.entry)),
  )
  if (bytes) {
    checks.add('entry_hash is SHA3-256 of the entry', toHex(sha3_256(bytes)) === r.entry_hash)
    checks.add(
      'leaf_hash is the RFC 6962 leaf hash of the entry',
      toHex(sha3Tree.leaf(bytes)) === r.leaf_hash,
    )
  }
  checks.add(
    'entry belongs to this holon and index',
    r.entry?.holon === r.holon && r.entry?.index === r.index,
  )
  const cp = attempt(checks, 'checkpoint is signed by the holon key', () =>
    verifyCheckpoint(r.checkpoint, verifierKey),
  )
  if (cp) {
    const proof = attempt(checks, 'inclusion proof is hex hashes', () =>
      r.inclusion.map((h) => hexToBytes(h)),
    )
    const leaf = attempt(checks, 'leaf_hash is a hex hash', () => hexToBytes(r.leaf_hash))
    if (proof && leaf) {
      const root = rootFromInclusion(sha3Tree, r.index, cp.size, leaf, proof)
      checks.add(
        `inclusion proof leads to the checkpoint root (index ${r.index}, size ${cp.size})`,
        root !== null && equalBytes(root, cp.root),
      )
    }
  }
  return checks.report()
}

/**
 * Receipts' JSON text, equal to `JSON.stringify(receipt)` byte for byte for receipts whose members are in
 * the schema's order (as SqlLedger builds them): the holon name and checkpoint note, the same for every
 * receipt of a commit, are escaped once, and the hex hashes are copied as they are (hex needs no escaping).
 * A commit of 100 events answers ~200 kB of receipts; this halves the time spent serialising them.
 */
export class ReceiptJson {
  private name = ''
  private nameJson = '""'
  private note = ''
  private noteJson = '""'

  write(r: Receipt): string {
    if (r.holon !== this.name) {
      this.name = r.holon
      this.nameJson = JSON.stringify(r.holon)
    }
    if (r.checkpoint !== this.note) {
      this.note = r.checkpoint
      this.noteJson = JSON.stringify(r.checkpoint)
    }
    const inclusion = r.inclusion.length === 0 ? '[]' : `["${r.inclusion.join('","')}"]`
    return `{"holon":${this.nameJson},"index":${JSON.stringify(r.index)},"entry":${JSON.stringify(r.entry)},"entry_hash":"${r.entry_hash}","leaf_hash":"${r.leaf_hash}","checkpoint":${this.noteJson},"inclusion":${inclusion}}`
  }
}
