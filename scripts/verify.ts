// `npm run verify -- <export.jsonl | URL> [--key <verifier key>] [--replay]`: checks a ledger export offline:
// chain links, index order, the Merkle root against the signed checkpoint; prints the first bad index.
import { createReadStream } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { Readable } from 'node:stream'
import { parseArgs } from 'node:util'
import {
  ExportAuditor,
  type ExportHeader,
  type LedgerEntry,
  replayLedger,
  toHex,
} from '../functions/ledger/index.ts'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { key: { type: 'string' }, replay: { type: 'boolean' }, json: { type: 'boolean' } },
})
const source = positionals[0]
if (!source) {
  console.error(
    'usage: npm run verify -- <export.jsonl | https://host/v1/holons/ID[/ledger/export]> [--key VKEY] [--replay]',
  )
  process.exit(2)
}

async function open(src: string): Promise<NodeJS.ReadableStream> {
  if (!/^https?:\/\//.test(src)) return createReadStream(src)
  const url = /\/ledger\/export(\?|$)/.test(src) ? src : `${src.replace(/\/$/, '')}/ledger/export`
  const res = await fetch(url)
  if (!res.ok || !res.body) throw new Error(`GET ${url}: ${res.status}`)
  return Readable.fromWeb(res.body as import('node:stream/web').ReadableStream)
}

const t0 = performance.now()
const lines = createInterface({ input: await open(source), crlfDelay: Number.POSITIVE_INFINITY })
let auditor: ExportAuditor | undefined
let header: ExportHeader | undefined
const entries: LedgerEntry[] = []
for await (const line of lines) {
  if (!auditor) {
    header = JSON.parse(line) as ExportHeader
    auditor = new ExportAuditor(header, values.key)
    continue
  }
  auditor.line(line)
  if (values.replay) entries.push(JSON.parse(line) as LedgerEntry)
}
if (!auditor || !header) {
  console.error('empty export: no header line')
  process.exit(1)
}
const report = auditor.finish()
const seconds = (performance.now() - t0) / 1000
if (values.json) console.log(JSON.stringify(report, null, 2))
else {
  console.log(
    `${header.origin}: entries [${header.from}, ${header.to}) ${report.valid ? 'VALID' : 'INVALID'}`,
  )
  for (const c of report.checks)
    console.log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.check}${c.detail ? `: ${c.detail}` : ''}`)
  for (const n of report.notes ?? []) console.log(`  note ${n}`)
  if (report.first_bad_index !== undefined) console.log(`first bad index: ${report.first_bad_index}`)
  console.log(
    `${(auditor.bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(2)} s (${(auditor.bytes / 1e6 / seconds).toFixed(1)} MB/s)`,
  )
}
if (values.replay && report.valid && header.from === 0) {
  const r = replayLedger(entries)
  console.log(`replay: kernel v${r.kernelVersion}, ${r.events} events, torsion ${r.current.torsion}`)
  console.log(`  ${r.current.dimensions.map((d, i) => `${d}=${r.current.state_vector[i]}`).join(' ')}`)
  console.log(`  root ${toHex(r.root)} (${r.size} entries)`)
}
process.exit(report.valid ? 0 : 1)
