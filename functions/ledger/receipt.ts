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
