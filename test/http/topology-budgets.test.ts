// Removal reports within the terminate_steps budget: a stored update is committed and skips the report; inline is a 422.
import { describe, expect, it } from 'vitest'
import { mulberry32 } from '../../functions/random/index.ts'
import { CPU_MS } from '../../functions/routing/index.ts'
import { call, WRITE } from '../support/http.ts'

/** The complete graph on n nodes in dimension 64: every greedy step scans n - 1 neighbours of 64 coordinates. */
function complete(n: number) {
  const rnd = mulberry32(4)
  const nodes = Array.from({ length: n }, (_, i) => ({
    id: `k${i}`,
    coords: Array.from({ length: 64 }, () => Math.round((rnd() - 0.5) * 0.2 * 1e4) / 1e4),
  }))
  const edges: [string, string][] = []
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) edges.push([`k${i}`, `k${j}`])
  return { nodes, edges }
}

describe('termination reports within the terminate_steps budget', () => {
  const g = complete(200)

  it('a stored removal whose report would exceed the budget is applied, and the report is skipped with the reason', async () => {
    expect((await call('PUT', '/v1/topologies/dense', { dimension: 64, ...g }, WRITE)).status).toBe(200)
    const r = await call('PATCH', '/v1/topologies/dense', { remove_nodes: ['k0'] }, WRITE)
    expect(r.status).toBe(200)
    expect(r.body.termination).toBeUndefined()
    expect(r.body.termination_skipped).toContain('terminate_steps')
    expect(r.body).toMatchObject({ nodes: 199, edges: (199 * 198) / 2 })
    // the update is committed: the node is gone for routing too
    const gone = await call('POST', '/v1/route', {
      topology_name: 'dense',
      source: 'k0',
      target: { node: 'k1' },
    })
    expect(gone.status).toBe(400)
    expect(gone.body.type).toContain('unknown_node')
  })

  it('a cheap removal still answers with its report', async () => {
    const small = complete(12)
    expect((await call('PUT', '/v1/topologies/dense-small', { dimension: 64, ...small }, WRITE)).status).toBe(
      200,
    )
    const r = await call('PATCH', '/v1/topologies/dense-small', { remove_nodes: ['k0'] }, WRITE)
    expect(r.status).toBe(200)
    expect(r.body.termination_skipped).toBeUndefined()
    expect(r.body.termination).toMatchObject({
      removed: ['k0'],
      connected: true,
      routes_ok: expect.any(Boolean),
    })
  })

  it('POST /v1/terminate on the same graph is a 422 naming terminate_steps', async () => {
    const r = await call('POST', '/v1/terminate', { topology: g, node: 'k0' })
    expect(r.status).toBe(422)
    expect(r.body).toMatchObject({ budget: 'terminate_steps', cpu_ms: CPU_MS.terminate, unit: 'steps' })
  })
})
