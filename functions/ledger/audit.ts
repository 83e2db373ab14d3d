// Streaming verification of a ledger export: chain links, index order, Merkle root, checkpoint signature.
import { CompactRange, equalBytes, type Hash, sha3Tree } from '../merkle/index.ts'
import { verifyCheckpoint } from './checkpoint.ts'
import { hexToBytes, toHex, utf8 } from './encoding.ts'
import type { LedgerEntry } from './entry.ts'
import { attempt, Checks, type VerifyReport } from './report.ts'

export const EXPORT_TYPE = 'omega.ledger.export'

/** First line of an export; the entries [from, to) follow, one canonical JSON entry per line. */
export interface ExportHeader {
  type: typeof EXPORT_TYPE
  version: 1
  holon: string
  origin: string
  from: number
  to: number
  /** Perfect-subtree hashes (hex) of the entries before `from`, left to right: lets a chunk be checked alone. */
  frontier: string[]
  /** Leaf hash (hex) of entry from - 1, or null when from is 0. */
  prev: string | null
  /** Signed checkpoint of size `to`. */
  checkpoint: string
  verifier_key: string
}

/**
 * Feed it the export's entry lines in order. An altered entry k breaks entry k+1's `prev` link, so the
 * first bad index is k; an altered last entry shows only in the root, so it is the one blamed then.
 */
export class ExportAuditor {
  private readonly checks = new Checks()
  private readonly tree: CompactRange
  private prev: string | null
  private next: number
  private failed = false
  private readonly header: ExportHeader
  /** The key the caller trusts; without it the header's own key is used, and the report says so. */
  private readonly trustedKey?: string
  bytes = 0

  constructor(header: ExportHeader, trustedKey?: string) {
    this.header = header
    this.trustedKey = trustedKey
    const levels = CompactRange.levelsOf(header.from)
    const nodes = header.frontier.map((h, i) => ({
      ...(levels[i] ?? { level: -1, index: -1 }),
      hash: hexToBytes(h),
    }))
    this.checks.add('frontier matches the start of the chunk', nodes.length === levels.length)
    this.tree = new CompactRange(header.from, nodes)
    this.prev = header.prev
    this.next = header.from
  }

  private fail(index: number, check: string, detail: string): void {
    if (this.failed) return
    this.failed = true
    this.checks.bad(index)
    this.checks.add(check, false, detail)
  }

  line(text: string): void {
    const index = this.next++
    this.bytes += text.length + 1
    const leaf = sha3Tree.leaf(utf8(text))
    this.tree.append(sha3Tree, leaf)
    if (this.failed) return
    const problem = this.problemAt(index, text)
    if (problem) this.fail(problem.at, problem.check, problem.detail)
    else this.prev = toHex(leaf)
  }

  private problemAt(index: number, text: string): { at: number; check: string; detail: string } | null {
    let e: LedgerEntry
    try {
      e = JSON.parse(text) as LedgerEntry
    } catch {
      return { at: index, check: 'every line is a JSON entry', detail: `line of entry ${index} is not JSON` }
    }
    if (e.index !== index) {
      const what = e.index < index ? 'duplicated or out of order' : 'missing (a gap)'
      return {
        at: index,
        check: 'entries are consecutive',
        detail: `expected entry ${index}, found ${e.index}: ${what}`,
      }
    }
    if (e.holon !== this.header.holon) {
      return { at: index, check: 'entries belong to the holon', detail: `entry ${index} names ${e.holon}` }
    }
    if (e.prev !== this.prev) {
      const detail = `entry ${index}'s prev does not match entry ${index - 1}`
      return { at: index - 1, check: 'each entry links the previous one', detail }
    }
    return null
  }

  /** Where a later chunk resumes: the next index, the last leaf hash and the frontier (valid when nothing failed). */
  resume(): { next: number; prev: string | null; frontier: string[] } {
    return { next: this.next, prev: this.prev, frontier: this.tree.nodes.map((n) => toHex(n.hash)) }
  }

  finish(): VerifyReport {
    const { header, checks } = this
    const count = this.next - header.from
    const expected = header.to - header.from
    if (!this.failed && count !== expected) {
      this.fail(
        this.next,
        'the export is complete',
        `expected ${expected} entries, found ${count}: truncated or padded`,
      )
    }
    const key = this.trustedKey ?? header.verifier_key
    if (!this.trustedKey) checks.note("no trusted key was given: the export's own verifier key was used")
    const cp = attempt(checks, 'checkpoint is signed by the holon key', () =>
      verifyCheckpoint(header.checkpoint, key),
    )
    if (cp) {
      checks.add(
        'checkpoint covers the export',
        cp.size === header.to && cp.origin === header.origin,
        `checkpoint size ${cp.size}`,
      )
      const root: Hash = this.tree.root(sha3Tree)
      const same = this.tree.size === cp.size && equalBytes(root, cp.root)
      checks.add('recomputed Merkle root equals the checkpoint root', same)
      if (!same && !this.failed && count > 0) checks.bad(header.to - 1)
    }
    return checks.report()
  }
}

/** Verifies a whole export text (header line + entries). */
export function auditExport(jsonl: string, trustedKey?: string): VerifyReport {
  const lines = jsonl.split('\n')
  if (lines.at(-1) === '') lines.pop()
  const checks = new Checks()
  const header = attempt(checks, 'first line is an export header', () => {
    const h = JSON.parse(lines[0] ?? '') as ExportHeader
    if (
      h?.type !== EXPORT_TYPE ||
      !Number.isSafeInteger(h.from) ||
      !Number.isSafeInteger(h.to) ||
      !Array.isArray(h.frontier)
    ) {
      throw new Error(`not an ${EXPORT_TYPE} header`)
    }
    return h
  })
  if (!header) return checks.report()
  let auditor: ExportAuditor
  try {
    auditor = new ExportAuditor(header, trustedKey)
  } catch (e) {
    checks.add('frontier hashes are hex', false, (e as Error).message)
    return checks.report()
  }
  for (const line of lines.slice(1)) auditor.line(line)
  return auditor.finish()
}

/** Two checkpoints validly signed by the same key for the same size with different roots prove equivocation. */
export function detectEquivocation(a: string, b: string, verifierKey: string): VerifyReport {
  const checks = new Checks()
  const ca = attempt(checks, 'first checkpoint is signed by the holon key', () =>
    verifyCheckpoint(a, verifierKey),
  )
  const cb = attempt(checks, 'second checkpoint is signed by the holon key', () =>
    verifyCheckpoint(b, verifierKey),
  )
  if (ca && cb && ca.size === cb.size) {
    checks.add(
      `no equivocation: one root for size ${ca.size}`,
      equalBytes(ca.root, cb.root),
      equalBytes(ca.root, cb.root) ? undefined : `two roots signed for size ${ca.size}: equivocation`,
    )
  }
  return checks.report()
}
