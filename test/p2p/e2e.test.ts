// End to end: two organisations, each a worker (workerd, local SQLite) with its own bridge node. A kernel
// change in one organisation's holon arrives in the other's registry as a verified, ledgered peer artifact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OmegaNode } from '../../p2p/node.ts'
import { contractKernel } from '../support/kernels.ts'
import { organisation, type Worker } from './organisation.ts'
import { removeTmp, spawnNode } from './support.ts'

const ADMIN = 'e2e-admin-token'
const BRIDGE = 'e2e-bridge-token'

/** Polls an async reading until it equals `want` (30 s at most). */
async function eventually<T>(read: () => Promise<T>, want: T, what: string): Promise<void> {
  for (const end = Date.now() + 30_000; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
    if ((await read()) === want) return
  }
  throw new Error(`timed out waiting for ${what}`)
}

const json = async (url: string, init?: RequestInit) => {
  const res = await fetch(url, init)
  return { status: res.status, body: (await res.json()) as any }
}

describe('federation end to end', () => {
  let a: { worker: Worker; url: string }
  let b: { worker: Worker; url: string }
  const nodes: OmegaNode[] = []

  beforeAll(async () => {
    a = await organisation('org-a', 18_800 + Math.floor(Math.random() * 400), {
      admin: ADMIN,
      bridge: BRIDGE,
    })
    b = await organisation('org-b', 19_300 + Math.floor(Math.random() * 400), {
      admin: ADMIN,
      bridge: BRIDGE,
    })
    const na = await spawnNode({ worker: a.url, token: BRIDGE, poll_ms: 100, checkpoint_ms: 200 })
    const nb = await spawnNode({ worker: b.url, token: BRIDGE, poll_ms: 100, checkpoint_ms: 200 })
    nodes.push(na, nb)
    await nb.node.dial(na.addrs()[0] as never)
  }, 120_000)

  afterAll(async () => {
    try {
      await Promise.all(nodes.map((n) => n.stop()))
      await a?.worker.dispose()
      await b?.worker.dispose()
    } finally {
      removeTmp()
    }
  })

  it('a kernel change in org A reaches org B as a verified, ledgered peer artifact; B keeps its own kernel', async () => {
    const put = (base: string, path: string, body: unknown) =>
      json(`${base}${path}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    expect((await put(a.url, '/v1/holons/coop', { kernel: contractKernel })).status).toBe(201)
    expect((await put(b.url, '/v1/holons/city', { kernel: contractKernel })).status).toBe(201)
    const origin = 'org-a.example/holons/coop'
    const peerVersion = async () => {
      const doc = (await json(`${b.url}/v1/federation/peers`)).body
      return doc.artifacts.find((x: { origin: string }) => x.origin === origin)?.kernel_version ?? 0
    }
    await eventually(peerVersion, 1, 'org B records org A v1')

    const v2 = {
      ...contractKernel,
      invariants: {
        ...contractKernel.invariants,
        Non_Spoliation: { score: contractKernel.invariants.Non_Spoliation?.score, threshold: 0.97 },
      },
    }
    expect((await put(a.url, '/v1/holons/coop/kernel', { kernel: v2 })).status).toBe(200)
    await eventually(peerVersion, 2, 'org B records org A v2')

    const registry = (await json(`${b.url}/v1/federation/peers`)).body
    expect(registry.ledger.size).toBeGreaterThanOrEqual(2)
    const entries = (await json(`${b.url}/v1/federation/peers`)).body.received
    expect(entries.find((x: { origin: string }) => x.origin === origin).ledger_index).toBeGreaterThanOrEqual(
      1,
    )
    const city = (await json(`${b.url}/v1/holons/city`)).body
    expect(city.kernel_version).toBe(1)
    const compat = (await json(`${b.url}/v1/holons/city/compatibility`)).body
    const row = compat.peers.find((p: { peer: string }) => p.peer === origin)
    expect(row.shared.find((s: { name: string }) => s.name === 'Non_Spoliation').threshold_diff).toBeCloseTo(
      0.03,
      12,
    )
    expect(nodes[1]?.metrics.get('inbox.accepted')).toBeGreaterThanOrEqual(2)
  })

  it("org B's node witnesses org A's checkpoints: consistent growth is cosigned and served by org A", async () => {
    const post = (path: string, body: unknown) =>
      json(`${a.url}${path}`, {
        method: 'POST',
        headers: { authorization: 'Bearer org-a-write', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    const event = (id: string) => ({ id, contributed: 10, returned: 10, trace_id: id })
    expect((await post('/v1/holons/coop/events', { events: [event('e1'), event('e2')] })).status).toBe(201)
    const cosigned = async () =>
      (await json(`${a.url}/v1/holons/coop/ledger/cosignatures`)).body.cosignatures.length > 0
    await eventually(cosigned, true, 'a cosignature from org B').catch((e) => {
      console.log(JSON.stringify(nodes.map((n) => n.metrics.snapshot())))
      throw e
    })
    const cp = (await json(`${a.url}/v1/holons/coop/ledger/checkpoint`)).body
    const list = (await json(`${a.url}/v1/holons/coop/ledger/cosignatures`)).body.cosignatures
    expect(list[0].witness).toBe(`omega-witness/${nodes[1]?.peerId}`)
    expect(list[0].size).toBeGreaterThan(1)
    expect(list[0].size).toBeLessThanOrEqual(cp.size)
    expect(nodes[1]?.metrics.get('witness.cosigned')).toBeGreaterThanOrEqual(1)
  })
})
