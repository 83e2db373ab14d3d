// Ledger benchmarks: commit throughput with the ledger against the foundation commit path (the commit before
// the ledger, run side by side), verification of a 1,000,000-entry export against raw SHA3-256, and proof
// generation at 1,000,000 entries from SQLite.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs'
import { register } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { DatabaseSync } from 'node:sqlite'
import { ed25519 } from '@noble/curves/ed25519.js'
import { sha3_256 } from '@noble/hashes/sha3.js'
import { type DevServer, root, send, startDev } from '../bootstrap/dev-server.ts'
import { compileKernel } from '../functions/kernel/index.ts'
import {
  EXPORT_TYPE,
  ExportAuditor,
  type ExportHeader,
  holonVerifierKey,
  sealEntry,
  signCheckpoint,
  toHex,
} from '../functions/ledger/index.ts'
import {
  CompactRange,
  consistencyProof,
  type Hash,
  inclusionProof,
  type NodeReader,
  rangeHash,
  sha3Tree,
  verifyConsistency,
  verifyInclusion,
} from '../functions/merkle/index.ts'
import { KernelSpec } from '../schemas/kernel.ts'
import { fmt, median, quantile, table } from './report.ts'
import { benchKernel, events, take } from './workload.ts'

// workerd imports *.wasm as compiled modules (the ledger's Keccak, durable-objects/shared/keccak.ts); Node does
// not, so the in-process commit path gets the same thing from this loader hook.
register(
  `data:text/javascript,${encodeURIComponent(`export async function load(url, context, next) {
    if (!url.endsWith('.wasm')) return next(url, context)
    const source = 'import { readFileSync } from "node:fs"; export default new WebAssembly.Module(readFileSync(new URL(' + JSON.stringify(url) + ')))'
    return { format: 'module', shortCircuit: true, source }
  }`)}`,
)

/** The baseline commit path run side by side (default: the commit before issue 9's ledger rework). */
const FOUNDATION = process.env.OMEGA_BENCH_BASELINE ?? '7ae49792d8e58649433700f042975b85728d41ce'
/** Rows in the profile's module and function tables (`OMEGA_BENCH_TOP`). */
const TOP = Number(process.env.OMEGA_BENCH_TOP ?? 15)
const ENTRIES = Number(process.env.OMEGA_BENCH_LEDGER_ENTRIES ?? 1_000_000)

async function serve(
  cwd: string,
  port: number,
  dir: string,
  write: string,
  admin: string,
): Promise<DevServer> {
  const args = [
    '--persist-to',
    dir,
    '--var',
    `OMEGA_WRITE_TOKEN:${write}`,
    '--var',
    `OMEGA_ADMIN_TOKEN:${admin}`,
  ]
  return startDev({ port, quiet: true, cwd, args })
}

async function overhead(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'omega-ledger-bench-'))
  const tree = join(tmp, 'foundation')
  try {
    execFileSync('git', ['-C', root, 'worktree', 'add', '--detach', tree, FOUNDATION], { stdio: 'ignore' })
  } catch {
    console.log(
      `\n(ledger overhead skipped: commit ${FOUNDATION.slice(0, 7)} is not in this checkout's history)`,
    )
    return
  }
  symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'))
  const write = randomBytes(18).toString('base64url')
  const admin = randomBytes(18).toString('base64url')
  const servers: Record<'foundation' | 'ledger', DevServer | undefined> = {
    foundation: undefined,
    ledger: undefined,
  }
  try {
    servers.foundation = await serve(tree, 8900, join(tmp, 'state-a'), write, admin)
    servers.ledger = await serve(root, 8901, join(tmp, 'state-b'), write, admin)
    const rates: Record<string, number[]> = {}
    const latencies: Record<string, number[]> = {}
    const timed = async (k: string, f: () => Promise<unknown>) => {
      const t0 = performance.now()
      await f()
      latencies[k] = [...(latencies[k] ?? []), performance.now() - t0]
    }
    const record = (k: string, v: number) => {
      rates[k] = [...(rates[k] ?? []), v]
    }
    const streams = { foundation: events('f', 3), ledger: events('l', 3) }
    for (const [name, s] of Object.entries(servers)) {
      await send((s as DevServer).base, 'PUT', '/v1/holons/bench', { kernel: benchKernel }, admin)
      await send(
        (s as DevServer).base,
        'POST',
        '/v1/holons/bench/events',
        { events: take(streams[name as 'ledger'], 200) },
        write,
      )
    }
    for (let round = 0; round < 16; round++) {
      const order = round % 2 ? (['foundation', 'ledger'] as const) : (['ledger', 'foundation'] as const)
      for (const name of order) {
        const base = (servers[name] as DevServer).base
        let t0 = performance.now()
        for (const e of take(streams[name], 40)) {
          await timed(name, () => send(base, 'POST', '/v1/holons/bench/events', { event: e }, write))
          await timed(`${name} GET /`, () => fetch(`${base}/`).then((r) => r.arrayBuffer()))
        }
        record(`${name} single`, 40 / ((performance.now() - t0) / 1000))
        t0 = performance.now()
        for (let b = 0; b < 5; b++)
          await send(base, 'POST', '/v1/holons/bench/events', { events: take(streams[name], 100) }, write)
        record(`${name} batch`, 500 / ((performance.now() - t0) / 1000))
      }
    }
    const row = (mode: string) => {
      const f = median(rates[`foundation ${mode}`] as number[])
      const l = median(rates[`ledger ${mode}`] as number[])
      return [mode === 'single' ? 'single events' : 'batches of 100', fmt(f, 0), fmt(l, 0), fmt(l / f, 2)]
    }
    table(
      `Commits into one holon: this checkout vs the baseline ${FOUNDATION.slice(0, 7)} (full ledger both), 16 interleaved rounds`,
      ['mode', 'baseline events/s', 'this checkout events/s', 'ratio'],
      [row('single'), row('batch')],
    )
    const ms = (xs: number[] | undefined, q: number) => fmt(quantile(xs ?? [], q), 2)
    table(
      'Single-event commit latency over HTTP (same run; GET / is the local stack alone: wrangler dev, routing, no object)',
      ['server', 'commit p50 ms', 'commit p95 ms', 'GET / p50 ms', 'GET / p95 ms'],
      (['foundation', 'ledger'] as const).map((name) => [
        name === 'ledger' ? 'this checkout' : `baseline ${FOUNDATION.slice(0, 7)}`,
        ms(latencies[name], 0.5),
        ms(latencies[name], 0.95),
        ms(latencies[`${name} GET /`], 0.5),
        ms(latencies[`${name} GET /`], 0.95),
      ]),
    )
    await commitInProcess(tree)
  } finally {
    servers.foundation?.stop()
    servers.ledger?.stop()
    await new Promise((r) => setTimeout(r, 500))
    execFileSync('git', ['-C', root, 'worktree', 'remove', '--force', tree], { stdio: 'ignore' })
    rmSync(tmp, { recursive: true, force: true })
  }
}

/** Enough of DurableObjectStorage for the holon's code: sql.exec and transactionSync over node:sqlite. */
function sqliteStorage() {
  const db = new DatabaseSync(':memory:')
  const cache = new Map<string, ReturnType<DatabaseSync['prepare']>>()
  const sql = {
    exec(query: string, ...params: unknown[]) {
      if (params.length === 0 && query.includes(';')) {
        db.exec(query)
        return { toArray: () => [] }
      }
      let stmt = cache.get(query)
      if (!stmt) {
        stmt = db.prepare(query)
        cache.set(query, stmt)
      }
      const bound = params.map((p) => (p instanceof ArrayBuffer ? new Uint8Array(p) : p))
      if (/^\s*(SELECT|WITH)/i.test(query)) {
        const rows = stmt.all(...(bound as never[])) as unknown[]
        return { toArray: () => rows }
      }
      stmt.run(...(bound as never[]))
      return { toArray: () => [] }
    },
  }
  let depth = 0
  return {
    sql,
    transactionSync<T>(f: () => T): T {
      if (depth++ === 0) db.exec('BEGIN')
      try {
        const v = f()
        if (--depth === 0) db.exec('COMMIT')
        return v
      } catch (e) {
        if (--depth === 0) db.exec('ROLLBACK')
        throw e
      }
    },
  }
}

/**
 * The holon object's commit path of a checkout, driven in-process: its own modules (store, ledger,
 * live view, pulse, commit) over node:sqlite. `fresh` is this layout (shared/sql-ledger.ts).
 */
async function commitPath(
  dir: string,
): Promise<(batch: unknown[]) => Promise<{ ok: boolean; value?: unknown; failure?: unknown }>> {
  const spec = KernelSpec.parse(benchKernel)
  const kernel = compileKernel(spec)
  const at = new Date().toISOString()
  const fresh = existsSync(join(dir, 'durable-objects/shared/sql-ledger.ts'))
  const h = `${dir}/durable-objects/holon`
  const st = sqliteStorage()
  const { Db } = await import(fresh ? `${dir}/durable-objects/shared/db.ts` : `${h}/db.ts`)
  const db = fresh ? new Db(st) : new Db(st.sql)
  const { migrate } = await import(
    fresh ? `${dir}/durable-objects/shared/migrations.ts` : `${h}/migrations.ts`
  )
  const { MIGRATIONS } = await import(`${h}/migrations.ts`)
  st.transactionSync(() => migrate(st.sql, MIGRATIONS))
  const ledgerMod = await import(fresh ? `${dir}/durable-objects/shared/sql-ledger.ts` : `${h}/ledger.ts`)
  const Ledger = fresh ? ledgerMod.SqlLedger : ledgerMod.HolonLedger
  const meta: [string, string][] = [
    ['holon', 'bench'],
    ['created_at', at],
    ...Ledger.newMeta('bench.example/holons/bench', { level: 'full_audit', sample_rate: 1 }),
  ]
  st.transactionSync(() => {
    db.insertMany('meta', ['k', 'v'], meta)
    db.run(
      "INSERT INTO kernels (version, digest, spec, status, created_at, activated_at) VALUES (1, ?, ?, 'active', ?, ?)",
      kernel.digest,
      JSON.stringify(spec),
      at,
      at,
    )
    db.insertMany(
      'aggregates',
      ['name', 'digest', 'state'],
      kernel.aggregates.map((a) => [a.name, a.digest, '{"n":0,"v":0,"c":0}']),
    )
  })
  const { loadLive, applyChange } = await import(`${h}/live.ts`)
  const { HolonPulse } = await import(`${h}/pulse.ts`)
  const { commitEvents } = await import(`${h}/commit.ts`)
  const live = loadLive(db)
  const ledger = new Ledger(db, 'bench', live.meta)
  const pulse = new HolonPulse(db)
  if (fresh) {
    // This layout: events are prepared (canonical text, native digest) before the synchronous commit.
    const { prepare } = await import(`${h}/commit.ts`)
    const transact = (f: never) => ledger.transact(f)
    return async (batch: unknown[]) => {
      const prepared = await prepare(batch)
      const options = { override: null, minimal: false }
      const { reply, change } = commitEvents({ db, live, ledger, pulse, transact }, prepared, options)
      if (change) applyChange(live, change)
      return reply
    }
  }
  const ledgered = (f: (w: unknown) => unknown) => {
    const w = ledger.writer()
    const value = st.transactionSync(() => {
      const v = f(w)
      ;(w as { seal(at: string): void }).seal(new Date().toISOString())
      return v
    })
    ledger.adopt(w)
    return { value, w }
  }
  return async (batch: unknown[]) => commitEvents({ db, live, ledger, pulse, ledgered }, batch, null)
}

/**
 * The commit path without HTTP, RPC or wrangler: the baseline checkout's and this checkout's holon
 * modules in one process, interleaved (the machine's noise hits both alike).
 */
async function commitInProcess(baselineDir: string): Promise<void> {
  const runs = { baseline: await commitPath(baselineDir), current: await commitPath(root) }
  const rows: string[][] = []
  for (const size of [1, 100]) {
    const streams = { baseline: events(`ab${size}`), current: events(`cd${size}`) }
    const rates: Record<'baseline' | 'current', number[]> = { baseline: [], current: [] }
    for (let round = 0; round < 24; round++) {
      for (const name of round % 2
        ? (['baseline', 'current'] as const)
        : (['current', 'baseline'] as const)) {
        const batches = Array.from({ length: size === 1 ? 200 : 10 }, () => take(streams[name], size))
        const t0 = performance.now()
        for (const b of batches) {
          const reply = await runs[name](b)
          if (!reply.ok)
            throw new Error(`bench commit refused: ${JSON.stringify(reply.failure).slice(0, 300)}`)
          // what the answer costs: the object's JSON text now, the worker's JSON.stringify before
          const value = reply.value as { json?: string }
          if (value.json === undefined) JSON.stringify(value)
        }
        if (round > 1) rates[name].push((batches.length * size) / ((performance.now() - t0) / 1000))
      }
    }
    const b = median(rates.baseline)
    const c = median(rates.current)
    rows.push([size === 1 ? 'single events' : 'batches of 100', fmt(b, 0), fmt(c, 0), fmt(c / b, 2)])
  }
  table(
    `The holon object's commit path in-process (node:sqlite, no HTTP/RPC): baseline ${FOUNDATION.slice(0, 7)} vs this checkout, 22 interleaved rounds`,
    ['mode', 'baseline events/s', 'this checkout events/s', 'ratio'],
    rows,
  )
}

/** Writes an export of `n` event entries and stores every perfect node in SQLite, as a holon would. */
async function fixture(n: number, file: string, db: DatabaseSync) {
  const secret = ed25519.utils.randomSecretKey()
  const origin = 'bench.example/holons/payments'
  db.exec(
    'CREATE TABLE tree_nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID',
  )
  const insert = db.prepare('INSERT INTO tree_nodes (level, idx, hash) VALUES (?, ?, ?)')
  const tree = new CompactRange()
  const lines: string[] = []
  const stream = events('x')
  let prev: string | null = null
  db.exec('BEGIN')
  for (let i = 0; i < n; i++) {
    const event = take(stream, 1)[0] as Record<string, unknown>
    const data = {
      event,
      kernel_version: 1,
      verdict: 'admit',
      torsion: 0,
      state_vector: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
      violations: [],
      errors: [],
    }
    const s = sealEntry({
      v: 1,
      holon: 'payments',
      index: i,
      prev,
      at: '2026-11-22T00:00:00.000Z',
      kind: 'event.committed',
      data,
    })
    for (const node of tree.append(sha3Tree, s.leaf)) insert.run(node.level, node.index, node.hash)
    prev = toHex(s.leaf)
    lines.push(s.text)
  }
  db.exec('COMMIT')
  const root = tree.root(sha3Tree)
  const header: ExportHeader = {
    type: EXPORT_TYPE,
    version: 1,
    holon: 'payments',
    origin,
    from: 0,
    to: n,
    frontier: [],
    prev: null,
    checkpoint: signCheckpoint({ origin, size: n, root }, secret),
    verifier_key: holonVerifierKey(origin, secret),
  }
  const out = createWriteStream(file)
  out.write(`${JSON.stringify(header)}\n`)
  for (let i = 0; i < lines.length; i += 10_000) out.write(`${lines.slice(i, i + 10_000).join('\n')}\n`)
  await new Promise((r) => out.end(r))
  return { root, vkey: header.verifier_key }
}

async function verification(n: number, file: string, vkey: string) {
  const t0 = performance.now()
  let auditor: ExportAuditor | undefined
  for await (const line of createInterface({
    input: createReadStream(file),
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    if (!auditor) auditor = new ExportAuditor(JSON.parse(line) as ExportHeader, vkey)
    else auditor.line(line)
  }
  const report = auditor?.finish()
  if (!report?.valid) throw new Error(`bench export did not verify: ${JSON.stringify(report)}`)
  const verifySeconds = (performance.now() - t0) / 1000
  const size = statSync(file).size
  const fd = openSync(file, 'r')
  const buf = Buffer.allocUnsafe(1 << 20)
  const t1 = performance.now()
  let read = 0
  for (;;) {
    const got = readSync(fd, buf, 0, buf.length, read)
    if (got === 0) break
    sha3_256(buf.subarray(0, got))
    read += got
  }
  const rawSeconds = (performance.now() - t1) / 1000
  closeSync(fd)
  const mb = size / 1e6
  table(
    `Verifying an exported ${n.toLocaleString('en')}-entry ledger (npm run verify's code: chain, order, Merkle root, signature)`,
    ['measure', 'MB', 'seconds', 'MB/s', 'ratio', 'target'],
    [
      [
        'raw SHA3-256 over the file (@noble/hashes, 1 MiB reads)',
        fmt(mb),
        fmt(rawSeconds, 2),
        fmt(mb / rawSeconds),
        '',
        '',
      ],
      [
        'verification of the export',
        fmt(mb),
        fmt(verifySeconds, 2),
        fmt(mb / verifySeconds),
        fmt(rawSeconds / verifySeconds, 2),
        '>= 0.5',
      ],
    ],
  )
}

function proofs(n: number, db: DatabaseSync, root: Hash) {
  const get = db.prepare('SELECT hash FROM tree_nodes WHERE level = ? AND idx = ?')
  const read: NodeReader = (level, index) =>
    new Uint8Array((get.get(level, index) as { hash: Uint8Array }).hash)
  const rnd = (k: number) => Math.floor(Math.random() * k)
  const inclusion: number[] = []
  const consistency: number[] = []
  for (let i = 0; i < 2000; i++) {
    const index = rnd(n)
    let t0 = performance.now()
    const p = inclusionProof(sha3Tree, read, index, n)
    inclusion.push(performance.now() - t0)
    if (i < 20 && !verifyInclusion(sha3Tree, index, n, read(0, index), p, root))
      throw new Error('bad inclusion proof')
    const m = 1 + rnd(n - 1)
    t0 = performance.now()
    const c = consistencyProof(sha3Tree, read, m, n)
    consistency.push(performance.now() - t0)
    if (i < 5 && !verifyConsistency(sha3Tree, m, n, c, rangeHash(sha3Tree, read, 0, m), root))
      throw new Error('bad consistency proof')
  }
  const row = (name: string, xs: number[]) => [
    name,
    fmt(median(xs), 3),
    fmt(quantile(xs, 0.99), 3),
    fmt(Math.max(...xs), 3),
    '< 5 ms',
  ]
  table(
    `Proof generation at ${n.toLocaleString('en')} entries from SQLite (the holon's tree_nodes table; node:sqlite here), 2,000 random proofs`,
    ['proof', 'median ms', 'p99 ms', 'max ms', 'target'],
    [
      row('inclusion (random index, full tree)', inclusion),
      row('consistency (random old size to full tree)', consistency),
    ],
  )
}

/**
 * `npm run bench -- commit-inprocess`: only the in-process commit path against the baseline
 * (`OMEGA_BENCH_BASELINE`, a checkout with the shared/sql-ledger.ts layout or the foundation's).
 */
export async function commitPathInProcess(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'omega-commit-inprocess-'))
  const tree = join(tmp, 'baseline')
  try {
    execFileSync('git', ['-C', root, 'worktree', 'add', '--detach', tree, FOUNDATION], { stdio: 'ignore' })
    symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'))
    await commitInProcess(tree)
  } finally {
    execFileSync('git', ['-C', root, 'worktree', 'remove', '--force', tree], { stdio: 'ignore' })
    rmSync(tmp, { recursive: true, force: true })
  }
}

export async function ledgerBench(): Promise<void> {
  await overhead()
  const tmp = mkdtempSync(join(tmpdir(), 'omega-ledger-export-'))
  const file = join(tmp, 'ledger.jsonl')
  const db = new DatabaseSync(join(tmp, 'nodes.sqlite'))
  try {
    const t0 = performance.now()
    const { root, vkey } = await fixture(ENTRIES, file, db)
    console.log(
      `\n(built a ${ENTRIES.toLocaleString('en')}-entry ledger in ${fmt((performance.now() - t0) / 1000)} s)`,
    )
    await verification(ENTRIES, file, vkey)
    proofs(ENTRIES, db, root)
  } finally {
    db.close()
    rmSync(tmp, { recursive: true, force: true })
  }
}

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; scriptId: string }
  children?: number[]
}

interface Workload {
  title: string
  /** what one unit of work is called in the tables (event, beat) */
  unit: string
  /** named functions whose inclusive time is reported */
  stages: string[]
  /** runs before profiling (creates holons, warms up) */
  setup(base: string, write: string, admin: string): Promise<void>
  /** the profiled work; returns how many units it did */
  work(base: string, write: string, admin: string): Promise<number>
}

/**
 * Where a workload's time goes inside workerd: a V8 CPU profile of the isolate (worker and objects
 * share it under wrangler dev) taken over the inspector. Self time is grouped by source module (the
 * bundle's `// path` markers), inclusive time by named stage.
 */
async function profileRuntime(w: Workload): Promise<void> {
  const write = randomBytes(18).toString('base64url')
  const admin = randomBytes(18).toString('base64url')
  const tmp = mkdtempSync(join(tmpdir(), 'omega-profile-'))
  const inspector = 9300 + Math.floor(Math.random() * 100)
  const server = await startDev({
    port: 8700 + Math.floor(Math.random() * 100),
    quiet: true,
    args: [
      '--persist-to',
      tmp,
      '--inspector-port',
      String(inspector),
      '--var',
      `OMEGA_WRITE_TOKEN:${write}`,
      '--var',
      `OMEGA_ADMIN_TOKEN:${admin}`,
    ],
  })
  try {
    const { base } = server
    await w.setup(base, write, admin)
    const targets = (await (await fetch(`http://127.0.0.1:${inspector}/json`)).json()) as {
      webSocketDebuggerUrl: string
    }[]
    // Wrangler's inspector proxy only admits DevTools' origin.
    const ws = new WebSocket(
      targets[0]?.webSocketDebuggerUrl as string,
      {
        headers: { origin: 'https://devtools.devprod.cloudflare.dev' },
      } as unknown as string[],
    )
    await new Promise((r) => ws.addEventListener('open', r, { once: true }))
    let id = 0
    const pending = new Map<number, (v: unknown) => void>()
    ws.addEventListener('message', (m) => {
      const msg = JSON.parse(String(m.data)) as { id?: number; result?: unknown }
      if (msg.id !== undefined) pending.get(msg.id)?.(msg.result)
    })
    const cdp = (method: string, params: Record<string, unknown> = {}) =>
      new Promise<unknown>((resolve) => {
        id++
        pending.set(id, resolve)
        ws.send(JSON.stringify({ id, method, params }))
      })
    await cdp('Debugger.enable')
    await cdp('Profiler.enable')
    await cdp('Profiler.setSamplingInterval', { interval: 100 })
    await cdp('Profiler.start')
    const t0 = performance.now()
    const units = await w.work(base, write, admin)
    const wall = performance.now() - t0
    const { profile } = (await cdp('Profiler.stop')) as {
      profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }
    }
    const modules = new Map<string, { line: number; path: string }[]>()
    for (const n of profile.nodes) {
      const scriptId = n.callFrame.scriptId
      if (!n.callFrame.url || modules.has(scriptId)) continue
      const { scriptSource } = (await cdp('Debugger.getScriptSource', { scriptId })) as {
        scriptSource: string
      }
      const marks: { line: number; path: string }[] = []
      scriptSource.split('\n').forEach((text, line) => {
        const m = /^\/\/ ((?:node_modules|functions|durable-objects|schemas)\/\S+)$/.exec(text)
        if (m) marks.push({ line, path: (m[1] as string).replace(/^node_modules\//, '') })
      })
      modules.set(scriptId, marks)
    }
    ws.close()
    const moduleOf = (n: ProfileNode): string => {
      if (!n.callFrame.url) return `(${n.callFrame.functionName || 'native'})`
      let found = '(bundle)'
      for (const m of modules.get(n.callFrame.scriptId) ?? [])
        if (m.line <= n.callFrame.lineNumber) found = m.path
      return found
    }
    const parent = new Map<number, number>()
    const byId = new Map(profile.nodes.map((n) => [n.id, n]))
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
    const self = new Map<number, number>()
    const inclusive = new Map<string, number>()
    profile.samples.forEach((leaf, i) => {
      const ms = (profile.timeDeltas[i] ?? 0) / 1000
      self.set(leaf, (self.get(leaf) ?? 0) + ms)
      const seen = new Set<string>()
      for (let at: number | undefined = leaf; at !== undefined; at = parent.get(at)) {
        const name = byId.get(at)?.callFrame.functionName ?? ''
        if (w.stages.includes(name)) seen.add(name)
      }
      for (const name of seen) inclusive.set(name, (inclusive.get(name) ?? 0) + ms)
    })
    const byModule = new Map<string, number>()
    const byFunction = new Map<string, number>()
    let total = 0
    for (const n of profile.nodes) {
      const ms = self.get(n.id) ?? 0
      total += ms
      const module = moduleOf(n)
      byModule.set(module, (byModule.get(module) ?? 0) + ms)
      const fn = `${n.callFrame.functionName || '(anonymous)'} ${module}`
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms)
    }
    const per = (ms: number) => fmt((ms * 1000) / units, 1)
    const share = (ms: number) => fmt((100 * ms) / total, 1)
    const top = (m: Map<string, number>, k: number) =>
      [...m.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, k)
        .map(([name, ms]) => [name, per(ms), share(ms)])
    console.log(
      `\n(${w.title}: ${units} ${w.unit}s in ${fmt(wall / 1000, 2)} s wall = ${fmt(units / (wall / 1000), 0)}/s; ${fmt(total, 0)} ms sampled in the isolate, idle included)`,
    )
    table(
      `${w.title}: inclusive time per stage`,
      ['stage', `us/${w.unit}`, '% of isolate'],
      w.stages.map((name) => [name, per(inclusive.get(name) ?? 0), share(inclusive.get(name) ?? 0)]),
    )
    table(
      `${w.title}: self time by source module`,
      ['source', `us/${w.unit}`, '% of isolate'],
      top(byModule, TOP),
    )
    table(
      `${w.title}: heaviest functions (self time)`,
      ['function', `us/${w.unit}`, '% of isolate'],
      top(byFunction, TOP),
    )
  } finally {
    server.stop()
    await new Promise((r) => setTimeout(r, 500))
    rmSync(tmp, { recursive: true, force: true })
  }
}

/** `npm run bench -- profile`: the commit path (batches of 100) and the beat path (50 holons, 1 s beats); OMEGA_BENCH_PROFILE=commit or beat picks one. */
export async function runtimeProfiles(
  which = (process.env.OMEGA_BENCH_PROFILE ?? 'commit,beat').split(','),
): Promise<void> {
  const stream = events('prof')
  if (which.includes('commit'))
    await profileRuntime({
      title: 'Commits in batches of 100 into one holon',
      unit: 'event',
      stages: [
        'commit',
        'parseJsonBody',
        'jsonProblem',
        'prepare',
        'commitEvents',
        'gate',
        'transact',
        'seal',
        'sealEntry',
        'canonicalObject',
        'keccakP',
        'signCheckpoint',
        'insertEvents',
        'insertMany',
        'saveAggregates',
        'receipts',
        'bytesToHex',
        'stringify',
      ],
      setup: async (base, write, admin) => {
        await send(base, 'PUT', '/v1/holons/prof', { kernel: benchKernel }, admin)
        for (let i = 0; i < 5; i++)
          await send(base, 'POST', '/v1/holons/prof/events', { events: take(stream, 100) }, write)
      },
      work: async (base, write) => {
        // OMEGA_BENCH_PREFER=minimal profiles the `Prefer: return=minimal` answer instead of full receipts.
        const prefer: Record<string, string> = process.env.OMEGA_BENCH_PREFER
          ? { prefer: `return=${process.env.OMEGA_BENCH_PREFER}` }
          : {}
        for (let i = 0; i < 60; i++) {
          const res = await fetch(`${base}/v1/holons/prof/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${write}`, ...prefer },
            body: JSON.stringify({ events: take(stream, 100) }),
          })
          if (res.status !== 201) throw new Error(`commit: ${res.status} ${await res.text()}`)
        }
        return 6000
      },
    })
  const holons = Array.from({ length: 50 }, (_, i) => `beat-${i}`)
  const beats = async (base: string) => {
    let n = 0
    for (const h of holons)
      n += ((await (await fetch(`${base}/v1/holons/${h}/pulse`)).json()) as { beat: number }).beat
    return n
  }
  let before = 0
  if (which.includes('beat'))
    await profileRuntime({
      title: '50 holons beating every second',
      unit: 'beat',
      stages: [
        'alarm',
        'livePeers',
        'transact',
        'beat',
        'runBeat',
        'rebuildKairos',
        'seal',
        'sealEntry',
        'keccakP',
        'signCheckpoint',
        'raiseAlert',
        'schedule',
        'reload',
        'since',
      ],
      setup: async (base, _write, admin) => {
        for (const h of holons) await send(base, 'PUT', `/v1/holons/${h}`, { kernel: benchKernel }, admin)
        const first = Date.now() + 2000
        for (const [i, h] of holons.entries()) {
          const body = { running: true, first_beat_at: first + i * 5, config: { period_ms: 1000 } }
          await send(base, 'PUT', `/v1/holons/${h}/pulse`, body, admin)
        }
        await new Promise((r) => setTimeout(r, 5000))
        before = await beats(base)
      },
      work: async (base) => {
        await new Promise((r) => setTimeout(r, 10_000))
        return (await beats(base)) - before
      },
    })
}
