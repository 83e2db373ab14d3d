// The ledger: recent entries, the signed checkpoint, witness cosignatures, and "verify in my browser".
import { enc, get } from './api.ts'
import { $, fill, h, table, time } from './dom.ts'
import type { LedgerItem } from './types.ts'
import { type Receipt, rootHex, VerifyError, verifyCheckpoint, verifyReceipt } from './verify.ts'

/** How many of the newest entries the button checks (each is a receipt: entry, proof and signed checkpoint). */
export const RECEIPTS_CHECKED = 8

interface CheckpointDoc {
  origin: string
  size: number
  root: string
  note: string
  verifier_key: string
}
interface Cosignatures {
  cosignatures: { size: number; root: string; witness: string; at: string }[]
}

export async function renderLedger(id: string, entries: LedgerItem[]): Promise<void> {
  const [cp, cos] = await Promise.all([
    get<CheckpointDoc>(`/v1/holons/${enc(id)}/ledger/checkpoint`),
    get<Cosignatures>(`/v1/holons/${enc(id)}/ledger/cosignatures`),
  ])
  fill(
    'ledger-entries',
    table(
      ['index', 'kind', 'leaf hash', 'at'],
      entries
        .slice(-12)
        .reverse()
        .map((x) => [x.index, x.entry.kind, h('code', {}, x.leaf_hash.slice(0, 16)), time(x.entry.at)]),
      'ledger-table',
    ),
  )
  fill(
    'checkpoint',
    h(
      'p',
      {},
      'size ',
      h('strong', { 'data-testid': 'checkpoint-size' }, cp.size),
      ' · root ',
      h('code', {}, cp.root.slice(0, 24)),
      '…',
    ),
    h('p', {}, 'verifier key ', h('code', { class: 'wrap' }, cp.verifier_key)),
    h('pre', { class: 'note' }, cp.note),
    h('h4', {}, `Cosignatures (${cos.cosignatures.length})`),
    table(
      ['witness', 'size', 'root', 'at'],
      cos.cosignatures
        .slice(-10)
        .reverse()
        .map((c) => [c.witness, c.size, h('code', {}, c.root.slice(0, 16)), time(c.at)]),
    ),
  )
}

/**
 * Fetches the checkpoint and the receipts of the newest entries and checks them here: SHA3-256 of each entry,
 * its inclusion proof to the signed root, and the Ed25519 signature, with the holon's published verifier key.
 */
export async function verifyInBrowser(id: string): Promise<void> {
  const out = $('verify-result')
  out.className = 'pending'
  out.textContent = 'verifying…'
  try {
    const cp = await get<CheckpointDoc>(`/v1/holons/${enc(id)}/ledger/checkpoint`)
    const checked = await verifyCheckpoint(cp.note, cp.verifier_key)
    if (checked.size !== cp.size || rootHex(checked) !== cp.root)
      throw new VerifyError('the signed note does not say the size and root the checkpoint document says')
    const first = Math.max(0, cp.size - RECEIPTS_CHECKED)
    const indexes = Array.from({ length: cp.size - first }, (_, i) => first + i)
    for (const i of indexes) {
      const r = await get<Receipt>(`/v1/holons/${enc(id)}/ledger/receipts/${i}`)
      if (r.index !== i) throw new VerifyError(`asked for receipt ${i}, got ${r.index}`)
      await verifyReceipt(r, cp.verifier_key)
    }
    out.className = 'valid'
    out.textContent =
      `valid: checkpoint of ${cp.size} entries signed by ${checked.origin} (Ed25519, WebCrypto); ` +
      `${indexes.length} receipts (entries ${first}–${cp.size - 1}) hash (SHA3-256) and prove inclusion to its root`
  } catch (e) {
    out.className = 'invalid'
    out.textContent = `invalid: ${(e as Error).message}`
  }
}
