// Kuramoto phase synchronisation between real nodes: convergence, a leaving peer, stale and forged messages.
import { afterAll, describe, expect, it } from 'vitest'
import { encode, TOPICS } from '../../p2p/wire.ts'
import { connect, spawnNode, teardown, until } from './support.ts'

type Node = Awaited<ReturnType<typeof spawnNode>>
const nodes: Node[] = []
afterAll(() => teardown(nodes))

const hz = [1, 1.02, 0.98, 1.01, 0.99]

async function ring(coords?: number[][]): Promise<Node[]> {
  const made = await Promise.all(
    hz.map((natural_hz, i) =>
      spawnNode({
        phase: {
          natural_hz,
          coupling: 4,
          publish_ms: 100,
          timeout_ms: 1500,
          kappa: 1,
          phase_init: (i * 2 * Math.PI) / hz.length,
          ...(coords && { coords: coords[i] }),
        } as never,
      }),
    ),
  )
  nodes.push(...made)
  startR = globalR(made) // before any coupling: the phases as initialised
  await connect(made)
  return made
}
let startR = 1

const r = (n: Node) => n.phase.report().r
/** The order parameter seen from outside, over every node's own phase. */
const globalR = (ns: Node[]) => {
  const th = ns.map((n) => n.phase.report().phase)
  return (
    Math.hypot(
      th.reduce((a, t) => a + Math.cos(t), 0),
      th.reduce((a, t) => a + Math.sin(t), 0),
    ) / th.length
  )
}

describe('phase synchronisation', () => {
  it('five oscillators spread around the circle converge to r >= 0.99, and stay so when one leaves', async () => {
    const made = await ring()
    expect(startR).toBeLessThan(0.3) // evenly spread phases start incoherent
    await until(
      () => made.every((n) => n.phase.report().peers === 4 && r(n) >= 0.99),
      'r >= 0.99 everywhere',
      30_000,
    )
    expect(globalR(made)).toBeGreaterThan(0.98)
    const report = (made[0] as Node).phase.report()
    expect(Math.abs(report.offset)).toBeLessThan(0.2)
    // T_global = sum of w_P T_P with equal weights: the mean of the pulses 1/f.
    expect(report.t_global).toBeCloseTo(hz.reduce((a, f) => a + 1 / f, 0) / hz.length, 6)

    const leaver = made.at(-1) as Node // a spoke: the hub relays for the others
    const rest = made.slice(0, -1)
    await leaver.stop()
    await until(
      () => rest.every((n) => n.phase.report().peers === 3),
      'the silent peer stops counting',
      10_000,
    )
    await until(() => rest.every((n) => r(n) >= 0.99), 'still coherent')
  })

  it('weights peers by exp(-kappa d) when they announce hyperbolic coordinates, and still converges', async () => {
    const coords = [
      [0, 0],
      [0.1, 0],
      [0, 0.1],
      [0.6, 0.6],
      [-0.5, 0.2],
    ]
    const made = await ring(coords)
    await until(
      () => made.every((n) => n.phase.report().peers === 4 && r(n) >= 0.99),
      'r >= 0.99 with distance weights',
      30_000,
    )
  })

  it('drops stale, replayed and malformed phase messages', async () => {
    const [a, b] = (await ring()).slice(0, 2) as [Node, Node]
    const pulse = {
      holon: 'h',
      origin: 'x.example',
      beat_at: Date.now() - 1000,
      next_at: Date.now(),
      period_ms: 1000,
      t_sync: { re: 1, im: 0 },
    }
    const old = { v: 2, t: Date.now() - 60_000, pulses: [pulse] }
    await a.node.services.pubsub.publish(TOPICS.phase, encode(old))
    await a.node.services.pubsub.publish(
      TOPICS.phase,
      encode({ v: 2, t: Date.now(), pulses: [{ ...pulse, period_ms: 1 }] }),
    )
    await until(
      () => b.metrics.get('phase.dropped.replay') >= 1 && b.metrics.get('phase.dropped.malformed') >= 1,
      'drops',
    )
  })
})
