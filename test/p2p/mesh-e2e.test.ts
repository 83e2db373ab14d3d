// End to end: two organisations (workers in workerd, each with its own storage, ledger origin and bridge node)
// whose holons beat half a period apart. Each node publishes its worker's real beats and delivers the other's;
// each holon's alarm corrects its next beat, and the two organisations' pulses lock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { beatPhase, centred } from '../../functions/phase/index.ts'
import type { OmegaNode } from '../../p2p/node.ts'
import { contractKernel } from '../support/kernels.ts'
import { organisation, type Worker } from './organisation.ts'
import { removeTmp, spawnNode } from './support.ts'

const ADMIN = 'mesh-admin-token'
const BRIDGE = 'mesh-bridge-token'
const PERIOD = 800

const json = async (url: string, init?: RequestInit) => {
  const res = await fetch(url, init)
  return { status: res.status, body: (await res.json()) as any }
}
const admin = (url: string, body: unknown) =>
  json(url, {
    method: 'PUT',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
const pulses = async (base: string) =>
  (await json(`${base}/v1/federation/pulses`, { headers: { authorization: `Bearer ${BRIDGE}` } })).body
    .pulses as { holon: string; next_at: number; period_ms: number }[]

describe('mesh phase synchronisation between two organisations', () => {
  let a: { worker: Worker; url: string }
  let b: { worker: Worker; url: string }
  const nodes: OmegaNode[] = []

  beforeAll(async () => {
    a = await organisation('org-a', 20_000 + Math.floor(Math.random() * 400), {
      admin: ADMIN,
      bridge: BRIDGE,
    })
    b = await organisation('org-b', 20_500 + Math.floor(Math.random() * 400), {
      admin: ADMIN,
      bridge: BRIDGE,
    })
    const phase = { publish_ms: 250, timeout_ms: 3000 }
    const na = await spawnNode({ worker: a.url, token: BRIDGE, poll_ms: 500, phase } as never)
    const nb = await spawnNode({ worker: b.url, token: BRIDGE, poll_ms: 500, phase } as never)
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

  it('holons beating half a period apart lock to |offset| < 0.1 rad within 30 s', async () => {
    expect((await admin(`${a.url}/v1/holons/coop`, { kernel: contractKernel })).status).toBe(201)
    expect((await admin(`${b.url}/v1/holons/city`, { kernel: contractKernel })).status).toBe(201)
    const start = Date.now() + 1500
    const config = { period_ms: PERIOD }
    const first = [start, start + PERIOD / 2] as const
    expect(
      (await admin(`${a.url}/v1/holons/coop/pulse`, { running: true, first_beat_at: first[0], config }))
        .status,
    ).toBe(200)
    expect(
      (await admin(`${b.url}/v1/holons/city/pulse`, { running: true, first_beat_at: first[1], config }))
        .status,
    ).toBe(200)

    // The offset between the two organisations' next beats, from what each worker publishes.
    const offset = async () => {
      const [pa, pb] = [(await pulses(a.url))[0], (await pulses(b.url))[0]]
      if (!pa || !pb) return Math.PI
      const now = Date.now()
      return centred(beatPhase(pb.next_at, PERIOD, now) - beatPhase(pa.next_at, PERIOD, now))
    }
    const t0 = Date.now()
    expect(Math.abs(centred((2 * Math.PI * (first[0] - first[1])) / PERIOD))).toBeCloseTo(Math.PI, 9)
    let locked = 0
    let last = Math.PI
    while (locked < 5) {
      if (Date.now() - t0 > 30_000) {
        const docs = [
          (await json(`${a.url}/v1/holons/coop/pulse`)).body,
          (await json(`${b.url}/v1/holons/city/pulse`)).body,
        ]
        console.log(JSON.stringify({ pa: await pulses(a.url), pb: await pulses(b.url) }))
        console.log(
          JSON.stringify(docs.map((d) => ({ beat: d.beat, next: d.next_beat_at, mesh: d.last?.mesh }))),
        )
        console.log(JSON.stringify(nodes.map((n) => n.metrics.snapshot())))
        throw new Error(`no lock within 30 s (offset ${last.toFixed(3)} rad)`)
      }
      await new Promise((r) => setTimeout(r, PERIOD / 2))
      last = await offset()
      locked = Math.abs(last) < 0.1 ? locked + 1 : 0
    }
    const seconds = (Date.now() - t0) / 1000
    console.log(`two organisations locked in ${seconds.toFixed(1)} s (offset ${last.toFixed(3)} rad)`)

    // Each holon coupled to the other organisation's holon, delivered by its own node from the peer node.
    const cityDoc = (await json(`${b.url}/v1/holons/city/pulse`)).body
    const peer = cityDoc.last.mesh.peers.find((p: any) => p.holon === 'coop')
    expect(peer).toMatchObject({ origin: 'org-a.example', node: nodes[0]?.peerId, weight: 1 })
    expect(Math.abs(peer.offset)).toBeLessThan(0.2)
    expect(cityDoc.last.mesh.r).toBeGreaterThan(0.99)
    expect(nodes[1]?.metrics.get('phase.delivered')).toBeGreaterThan(0)
    expect(nodes[0]?.metrics.get('phase.delivered')).toBeGreaterThan(0)
    for (const [url, h] of [
      [a.url, 'coop'],
      [b.url, 'city'],
    ] as const)
      expect((await admin(`${url}/v1/holons/${h}/pulse`, { running: false })).status).toBe(200)
  }, 90_000)
})
