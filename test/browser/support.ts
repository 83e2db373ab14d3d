// Browser-test plumbing: a worker (workerd via wrangler) with a read token, Debian's Chromium, sample data.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, chromium } from 'playwright-core'
import { unstable_startWorker } from 'wrangler'
import { contractKernel } from '../support/kernels.ts'

export const TOKENS = {
  read: 'browser-read-token',
  write: 'browser-write-token',
  admin: 'browser-admin-token',
}
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

type Worker = Awaited<ReturnType<typeof unstable_startWorker>>

export interface Site {
  url: string
  stop(): Promise<void>
}

export async function startSite(): Promise<Site> {
  const dir = mkdtempSync(join(tmpdir(), 'omega-browser-'))
  const worker: Worker = await unstable_startWorker({
    config: 'wrangler.toml',
    dev: {
      server: { hostname: '127.0.0.1', port: 20_000 + Math.floor(Math.random() * 2000) },
      inspector: false,
      persist: dir,
      logLevel: 'none',
    },
    bindings: {
      OMEGA_READ_TOKEN: { type: 'plain_text', value: TOKENS.read },
      OMEGA_WRITE_TOKEN: { type: 'plain_text', value: TOKENS.write },
      OMEGA_ADMIN_TOKEN: { type: 'plain_text', value: TOKENS.admin },
    },
  } as never)
  await worker.ready
  const url = String(await worker.url).replace(/\/$/, '')
  return {
    url,
    async stop() {
      await worker.dispose()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** Calls the worker as a client would (not through the page): status and parsed body. */
export async function call(site: Site, method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${site.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as any }
}

/** A wheel in the disk: a hub, an inner ring of 12 linked to it and to each other, an outer ring of 12. */
export function wheel() {
  const ring = (r: number, prefix: string) =>
    Array.from({ length: 12 }, (_, i) => ({
      id: `${prefix}${i}`,
      coords: [r * Math.cos((i * Math.PI) / 6), r * Math.sin((i * Math.PI) / 6)],
    }))
  const inner = ring(0.5, 'n')
  const outer = ring(0.85, 'o')
  const edges: [string, string][] = []
  for (let i = 0; i < 12; i++) {
    edges.push(['hub', `n${i}`], [`n${i}`, `n${(i + 1) % 12}`], [`n${i}`, `o${i}`])
  }
  return { dimension: 2, nodes: [{ id: 'hub', coords: [0, 0] }, ...inner, ...outer], edges }
}

/** The sample deployment: one holon with an admitted event, a refusal and an override; a running pulse; a topology. */
export async function seed(site: Site): Promise<void> {
  const ok = (r: { status: number; body: unknown }, want: number[], what: string) => {
    if (!want.includes(r.status)) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`)
  }
  ok(await call(site, 'PUT', '/v1/holons/coop', TOKENS.admin, { kernel: contractKernel }), [201], 'create')
  const commit = (event: unknown, token = TOKENS.write, extra = {}) =>
    call(site, 'POST', '/v1/holons/coop/events', token, { event, ...extra })
  ok(await commit({ id: 'e1', contributed: 10, returned: 10, trace_id: 't1' }), [201], 'e1')
  ok(await commit({ id: 'e2', contributed: 10, returned: 1 }), [409], 'e2 refused')
  const reason = { override: { reason: 'audited by the board', actor: 'ops' } }
  ok(await commit({ id: 'e3', contributed: 10, returned: 1 }, TOKENS.admin, reason), [201], 'e3 override')
  ok(
    await call(site, 'PUT', '/v1/holons/coop/pulse', TOKENS.admin, {
      running: true,
      config: { period_ms: 1000 },
    }),
    [200],
    'pulse',
  )
  ok(await call(site, 'PUT', '/v1/topologies/wheel', TOKENS.write, wheel()), [200], 'topology')
}
