// `npm run verify -- bill` against a real worker: ticks with a scarce fleet and two bidding tenants, commits on a
// holon, the served bill (GET /v1/tenants/acme/costs) recomputed offline from the two ledger exports; a tampered
// export and a changed bill both fail.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { unstable_startWorker } from 'wrangler'
import { contractKernel } from '../support/kernels.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const WRITE = 'bill-write-token'
const ADMIN = 'bill-admin-token'

type Ran = { code: number | null; stdout: string; stderr: string }
const verify = (args: string[]): Promise<Ran> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(root, 'scripts/verify.ts'), 'bill', ...args],
      { cwd: root, timeout: 50_000 },
      (error, stdout, stderr) => {
        const code = error ? ((error as { code?: number }).code ?? null) : 0
        resolve({ code: typeof code === 'number' ? code : null, stdout, stderr })
      },
    )
  })

describe('npm run verify -- bill', () => {
  const dir = mkdtempSync(join(tmpdir(), 'omega-bill-'))
  let worker: Awaited<ReturnType<typeof unstable_startWorker>>
  let base = ''
  const file = (name: string) => join(dir, name)

  const call = async (method: string, path: string, body?: unknown, token = WRITE) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(body !== undefined && { 'content-type': 'application/json' }),
        authorization: `Bearer ${token}`,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`)
    return text
  }

  beforeAll(async () => {
    worker = await unstable_startWorker({
      config: join(root, 'wrangler.toml'),
      dev: {
        server: { hostname: '127.0.0.1', port: 0 },
        inspector: false,
        persist: join(dir, 'state'),
        logLevel: 'none',
      },
      bindings: {
        OMEGA_ADMIN_TOKEN: { type: 'plain_text', value: ADMIN },
        OMEGA_WRITE_TOKEN: { type: 'plain_text', value: WRITE },
        OMEGA_READ_TOKEN: { type: 'plain_text', value: '' },
        OMEGA_LEDGER_ORIGIN: { type: 'plain_text', value: 'bill.test' },
        OMEGA_PRICES: { type: 'plain_text', value: '{"commit":0.001}' },
      },
    } as never)
    await worker.ready
    base = String(await worker.url).replace(/\/$/, '')

    const o = 'fleet'
    await call('PUT', `/v1/orchestrators/${o}`, { settings: { auto_tick: false } }, ADMIN)
    const nodes = [
      {
        id: 'n1',
        region: 'eu',
        coordinates: [0.3, 0.1],
        capacity: { cpu: 3, memory: 100 },
        cost_per_unit_hour: { cpu: 0.5 },
      },
    ]
    const wl = (id: string, tenant: string, bid: number) => ({
      id,
      tenant,
      type: 'interactive',
      replica: { capacity: 100, request: { cpu: 1, memory: 2 } },
      affinity: [0.3, 0.1],
      bid: { replica_hour: bid },
    })
    await call('PUT', `/v1/orchestrators/${o}/nodes`, { nodes })
    await call('PUT', `/v1/orchestrators/${o}/workloads`, {
      workloads: [wl('a1', 'acme', 10), wl('b1', 'bolt', 4)],
    })
    const now = Date.now()
    const samples = ['a1', 'b1'].flatMap((workload) =>
      Array.from({ length: 30 }, (_, i) => ({
        workload,
        request_rate: 150,
        at: new Date(now - (29 - i) * 60_000).toISOString(),
      })),
    )
    await call('POST', `/v1/orchestrators/${o}/metrics`, { workloads: samples })
    await call('POST', `/v1/orchestrators/${o}/tick`)
    await call('PUT', '/v1/holons/shop?tenant=acme', { kernel: contractKernel }, ADMIN)
    const fair = (id: string) => ({ id, contributed: 100, returned: 98, trace_id: `t-${id}` })
    await call('POST', '/v1/holons/shop/events', { events: [fair('e1'), fair('e2')] })
    await call('POST', `/v1/orchestrators/${o}/tick`)

    writeFileSync(
      file('bill.json'),
      await call('GET', `/v1/tenants/acme/costs?orchestrators=${o}&holons=shop`),
    )
    writeFileSync(file('fleet.jsonl'), await call('GET', `/v1/orchestrators/${o}/ledger/export`))
    writeFileSync(file('shop.jsonl'), await call('GET', '/v1/holons/shop/ledger/export'))
  }, 180_000)

  afterAll(async () => {
    await worker?.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  it('recomputes the served bill from the exports (exit 0)', async () => {
    const bill = JSON.parse(readFileSync(file('bill.json'), 'utf8'))
    // the bill is not empty: the auction payment, the share, the replica-hours and the two commits are in it
    expect(bill.lines.map((l: { kind: string }) => l.kind).sort()).toEqual([
      'auction_payment',
      'commits',
      'replica_hours',
      'shapley_share',
    ])
    expect(bill.totals.commits).toBeCloseTo(0.002, 12)
    const r = await verify([
      '--tenant',
      'acme',
      file('fleet.jsonl'),
      file('shop.jsonl'),
      '--expect',
      file('bill.json'),
    ])
    expect(r.stderr).toBe('')
    expect(r.stdout).toContain('MATCH')
    expect(r.code).toBe(0)
  })

  it('a tampered export fails its audit (exit 1) before any bill is compared', async () => {
    const text = readFileSync(file('fleet.jsonl'), 'utf8')
    const tampered = text.replace('"payment":8', '"payment":1')
    expect(tampered).not.toBe(text)
    writeFileSync(file('tampered.jsonl'), tampered)
    const r = await verify([
      '--tenant',
      'acme',
      file('tampered.jsonl'),
      file('shop.jsonl'),
      '--expect',
      file('bill.json'),
    ])
    expect(r.stdout).toContain('INVALID')
    expect(r.code).toBe(1)
  })

  it('a bill that differs from the exports is a mismatch (exit 1); a missing export too', async () => {
    const bill = JSON.parse(readFileSync(file('bill.json'), 'utf8'))
    bill.lines[0].amount += 0.01
    bill.total += 0.01
    writeFileSync(file('changed.json'), JSON.stringify(bill))
    const r = await verify([
      '--tenant',
      'acme',
      file('fleet.jsonl'),
      file('shop.jsonl'),
      '--expect',
      file('changed.json'),
    ])
    expect(r.stdout).toContain('MISMATCH')
    expect(r.code).toBe(1)
    // without the holon's export the commits are missing from the recomputed bill
    const partial = await verify(['--tenant', 'acme', file('fleet.jsonl'), '--expect', file('bill.json')])
    expect(partial.code).toBe(1)
    const usage = await verify([file('fleet.jsonl')])
    expect(usage.code).toBe(2)
  })
})
