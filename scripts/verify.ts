// `npm run verify -- <export.jsonl | URL> [--key <verifier key>] [--replay] [--json]`: checks a ledger export
// offline: chain links, index order, the Merkle root against the signed checkpoint; prints the first bad index.
// `npm run verify -- bill ...` recomputes a tenant's bill from exports (scripts/verify-bill.ts).
import { createReadStream } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { Readable } from 'node:stream'
import {
  ExportAuditor,
  type ExportHeader,
  type LedgerEntry,
  replayLedger,
  toHex,
} from '../functions/ledger/index.ts'
import { type CommandSpec, command, Progress, run } from './cli.ts'

export const spec: CommandSpec = {
  name: 'npm run verify --',
  summary:
    'Audits a ledger export offline (chain links, index order, Merkle root, checkpoint signature) and prints the first bad index. Exit 0 valid, 1 invalid, 2 bad usage.',
  args: '<export.jsonl | https://host/v1/holons/ID[/ledger/export]>',
  positionals: { min: 1, max: 1 },
  flags: {
    key: {
      type: 'string',
      value: 'VKEY',
      help: 'the verifier key you trust (else the export’s own key is used and noted)',
    },
    replay: {
      type: 'boolean',
      help: 'also replay the events into the state vector (exports starting at index 0)',
    },
    json: { type: 'boolean', help: 'print the report as JSON' },
  },
  env: {
    OMEGA_READ_TOKEN:
      'sent as the bearer token when the source is a URL and the worker requires reads to be authorised',
  },
  examples: [
    'npm run verify -- logistics.jsonl --key "$KEY" --replay',
    'OMEGA_READ_TOKEN=… npm run verify -- http://127.0.0.1:8787/v1/holons/logistics',
    'npm run verify -- bill --tenant acme fleet.jsonl shop.jsonl --expect bill.json   (see bill --help)',
  ],
}

async function open(src: string): Promise<NodeJS.ReadableStream> {
  if (!/^https?:\/\//.test(src)) {
    const stream = createReadStream(src)
    // a missing file: fail before reading, with the path in one line
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve())
      stream.once('error', (e: NodeJS.ErrnoException) =>
        reject(new Error(e.code === 'ENOENT' ? `${src}: no such file` : `${src}: ${e.message}`)),
      )
    })
    return stream
  }
  const url = /\/ledger\/export(\?|$)/.test(src) ? src : `${src.replace(/\/$/, '')}/ledger/export`
  const token = process.env.OMEGA_READ_TOKEN
  const res = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {})
  if (!res.ok || !res.body) throw new Error(`GET ${url}: ${res.status}`)
  return Readable.fromWeb(res.body as import('node:stream/web').ReadableStream)
}

function parseLine<T>(line: string, n: number): T {
  try {
    return JSON.parse(line) as T
  } catch {
    throw new Error(`line ${n} is not JSON: ${line.slice(0, 60)}`)
  }
}

if (process.argv[2] === 'bill') {
  const { billMain } = await import('./verify-bill.ts')
  await billMain(process.argv.slice(3))
} else await audit()

async function audit(): Promise<void> {
  const { values, positionals } = command(spec)
  await run(spec, async () => {
    const source = positionals[0] as string
    const t0 = performance.now()
    const lines = createInterface({ input: await open(source), crlfDelay: Number.POSITIVE_INFINITY })
    let auditor: ExportAuditor | undefined
    let header: ExportHeader | undefined
    let progress: Progress | undefined
    const entries: LedgerEntry[] = []
    let n = 0
    for await (const line of lines) {
      n++
      if (!auditor) {
        header = parseLine<ExportHeader>(line, n)
        auditor = new ExportAuditor(header, values.key as string | undefined)
        const total = Number(header.to) - Number(header.from)
        progress = new Progress('verify', 'entries', Number.isFinite(total) ? { total } : {})
        continue
      }
      auditor.line(line)
      progress?.tick()
      if (values.replay) entries.push(parseLine<LedgerEntry>(line, n))
    }
    progress?.end()
    if (!auditor || !header) throw new Error(`${source}: empty export (no header line)`)
    const report = auditor.finish()
    const seconds = (performance.now() - t0) / 1000
    if (values.json) console.log(JSON.stringify(report, null, 2))
    else {
      console.log(
        `${header.origin}: entries [${header.from}, ${header.to}) ${report.valid ? 'VALID' : 'INVALID'}`,
      )
      for (const c of report.checks)
        console.log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.check}${c.detail ? `: ${c.detail}` : ''}`)
      for (const note of report.notes ?? []) console.log(`  note ${note}`)
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
    return report.valid ? 0 : 1
  })
}
