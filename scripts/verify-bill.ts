// `npm run verify -- bill --tenant T [--from ISO] [--to ISO] <exports...> [--expect bill.json]`: audits ledger
// exports and recomputes a tenant's bill from them (functions/billing), comparing it with a served one.
import { readFileSync } from 'node:fs'
import {
  type Bill,
  type BillSource,
  billOf,
  type LedgerEntryWithHashes,
  type Prices,
  parsePrices,
  sameBill,
} from '../functions/billing/index.ts'
import { ExportAuditor, type ExportHeader, type LedgerEntry, toHex, utf8 } from '../functions/ledger/index.ts'
import { sha3_256 } from '../functions/merkle/index.ts'
import { type CommandSpec, command, run, UsageError } from './cli.ts'

export const billSpec: CommandSpec = {
  name: 'npm run verify -- bill',
  summary:
    "Recomputes a tenant's bill from ledger exports (GET /v1/orchestrators/ID/ledger/export, GET /v1/holons/ID/ledger/export), each audited first, and compares it with a served bill (--expect). Exit 0 valid and equal, 1 invalid export or different bill, 2 bad usage.",
  args: '<export.jsonl...>',
  positionals: { min: 1, max: 256 },
  flags: {
    tenant: { type: 'string', value: 'T', help: 'the tenant billed (required)' },
    from: {
      type: 'string',
      value: 'ISO',
      help: 'start of the period (default: the expected bill’s, else 1970)',
    },
    to: {
      type: 'string',
      value: 'ISO',
      help: 'end of the period (default: the expected bill’s; required without it)',
    },
    expect: {
      type: 'string',
      value: 'FILE',
      help: 'a served bill (GET /v1/tenants/T/costs) to compare with',
    },
    prices: {
      type: 'string',
      value: 'JSON',
      help: 'the deployment’s OMEGA_PRICES (default: the prices the expected bill states)',
    },
    key: {
      type: 'string',
      value: 'VKEY',
      multiple: true,
      help: 'a verifier key you trust, matched to the export of the same origin (else its own key is used and noted)',
    },
    json: { type: 'boolean', help: 'print the recomputed bill as JSON' },
  },
  examples: [
    'npm run verify -- bill --tenant acme fleet.jsonl shop.jsonl --expect bill.json',
    'npm run verify -- bill --tenant acme --from 2026-12-01T00:00:00Z --to 2026-12-02T00:00:00Z fleet.jsonl',
  ],
}

/** One audited export as a bill source: the kind from its origin (`…/orchestrators/ID` or `…/holons/ID`). */
function sourceOf(file: string, keys: readonly string[]): { source: BillSource; problems: string[] } {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    throw new Error(
      `${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    )
  }
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  let header: ExportHeader
  try {
    header = JSON.parse(lines[0] ?? '') as ExportHeader
  } catch {
    throw new Error(`${file}: the first line is not an export header`)
  }
  const auditor = new ExportAuditor(
    header,
    keys.find((k) => k.startsWith(`${header.origin}+`)),
  )
  const entries: LedgerEntryWithHashes[] = []
  for (const line of lines.slice(1)) {
    auditor.line(line)
    let entry: LedgerEntry
    try {
      entry = JSON.parse(line) as LedgerEntry
    } catch {
      continue // the auditor reports it
    }
    entries.push({ index: entry.index, entry, entry_hash: toHex(sha3_256(utf8(line))) })
  }
  const report = auditor.finish()
  const problems = report.checks
    .filter((c) => !c.ok)
    .map((c) => `${file}: ${c.check}${c.detail ? `: ${c.detail}` : ''}`)
  const kind = /\/orchestrators\/[^/]+$/.test(header.origin) ? 'orchestrator' : 'holon'
  return { source: { resource: { kind, id: header.holon }, entries }, problems }
}

export async function billMain(argv: string[]): Promise<void> {
  const { values, positionals } = command(billSpec, argv)
  await run(billSpec, () => {
    const tenant = values.tenant as string | undefined
    if (!tenant) throw new UsageError('--tenant is required')
    const expected = values.expect
      ? (JSON.parse(readFileSync(values.expect as string, 'utf8')) as Bill)
      : undefined
    const from = (values.from as string | undefined) ?? expected?.from ?? '1970-01-01T00:00:00.000Z'
    const to = (values.to as string | undefined) ?? expected?.to
    if (!to) throw new UsageError('--to is required without --expect')
    let prices: Prices
    try {
      prices = values.prices ? parsePrices(values.prices as string) : (expected?.prices ?? {})
    } catch (e) {
      throw new UsageError((e as Error).message)
    }
    const keys = (values.key as string[] | undefined) ?? []
    const audited = positionals.map((f) => sourceOf(f, keys))
    const problems = audited.flatMap((a) => a.problems)
    for (const p of problems) console.log(`INVALID ${p}`)
    if (problems.length > 0) return 1
    const bill = billOf(
      tenant,
      audited.map((a) => a.source),
      { from, to },
      prices,
    )
    if (values.json) console.log(JSON.stringify(bill, null, 2))
    else {
      console.log(`${tenant}: [${bill.from}, ${bill.to}) total ${bill.total} ${bill.currency}`)
      for (const l of bill.lines)
        console.log(
          `  ${l.kind.padEnd(15)} ${`${l.resource.kind}/${l.resource.id}${l.resource.workload ? `/${l.resource.workload}` : ''}`.padEnd(32)} ${l.quantity} ${l.unit} = ${l.amount} (${l.entries.length} entries)`,
        )
    }
    if (!expected) return 0
    const same = sameBill(bill, expected)
    console.log(same.same ? 'MATCH: the served bill is the one the exports give' : `MISMATCH: ${same.detail}`)
    return same.same ? 0 : 1
  })
}
