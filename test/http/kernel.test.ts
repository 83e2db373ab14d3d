// New kernel versions: changed aggregates are rebuilt from history in chunks, then switched atomically.
import { evictDurableObject, runDurableObjectAlarm } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import type { KernelInput } from '../../schemas/kernel.ts'
import { ADMIN, call, commit, createHolon, state, WRITE } from '../support/http.ts'
import { contractKernel } from '../support/kernels.ts'

const ev = (i: number) => ({
  id: `e${i}`,
  contributed: 10 + (i % 7) * 20,
  returned: 10 + (i % 7) * 19.5,
  ...(i % 11 === 0 ? {} : { trace_id: `t${i}` }),
})

const v2: KernelInput = {
  ...contractKernel,
  aggregates: {
    ...contractKernel.aggregates,
    returned: { fold: 'sum', expr: 'min(event.returned, event.contributed)' },
    large: { fold: 'count', where: 'event.contributed > 100' },
  },
  invariants: {
    ...contractKernel.invariants,
    Few_Large: { score: 'agg.events == 0 ? 1 : 1 - agg.large / agg.events', threshold: 0.2 },
  },
  gate: { on_torsion: 'flag', admit_improving: false },
}

async function drain(id: string): Promise<void> {
  const stub = env.HOLON.getByName(id)
  for (let i = 0; i < 50; i++) {
    if (!(await call('GET', `/v1/holons/${id}`)).body.pending_kernel) return
    if (!(await runDurableObjectAlarm(stub))) await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error('rebuild did not finish')
}

describe('PUT /v1/holons/:id/kernel', () => {
  it('needs the admin token', async () => {
    const id = await createHolon(contractKernel)
    expect((await call('PUT', `/v1/holons/${id}/kernel`, { kernel: v2 }, WRITE)).status).toBe(403)
  })

  it('rebuilds changed aggregates from a long history in chunks, equal to folding the history afresh', async () => {
    const id = await createHolon({ ...contractKernel, gate: { on_torsion: 'flag', admit_improving: false } })
    const events = Array.from({ length: 130 }, (_, i) => ev(i))
    for (let i = 0; i < events.length; i += 40) await commit(id, { events: events.slice(i, i + 40) })

    const put = await call('PUT', `/v1/holons/${id}/kernel`, { kernel: v2 }, ADMIN)
    expect(put.status).toBe(202)
    expect(put.body).toMatchObject({ version: 2, status: 'rebuilding', rebuild: { done: 50, total: 130 } })
    expect(put.body.rebuilt_aggregates.sort()).toEqual(['large', 'returned'])

    // A commit while rebuilding is gated by the active kernel and still folded into the new one.
    const late = { id: 'late', contributed: 500, returned: 600, trace_id: 'x' }
    expect((await commit(id, { event: late })).status).toBe(201)
    await drain(id)

    const s = await state(id)
    expect(s.body).toMatchObject({
      kernel_version: 2,
      events: 131,
      dimensions: ['Non_Spoliation', 'Traceability', 'Few_Large'],
    })
    const all = [...events, late]
    const fresh = await call('POST', '/v1/torsion', { kernel: v2, history: all.slice(0, -1), event: late })
    expect(s.body.state_vector).toEqual(fresh.body.state_vector)
    expect(s.body.torsion).toBe(fresh.body.torsion)
    expect((await call('GET', `/v1/holons/${id}`)).body).toMatchObject({
      kernel_version: 2,
      kernel: { gate: { on_torsion: 'flag' } },
    })
  })

  it('activates at once when the history fits one chunk; an unchanged kernel is a no-op', async () => {
    const id = await createHolon(contractKernel)
    await commit(id, { events: [ev(1), ev(2)] })
    const r = await call('PUT', `/v1/holons/${id}/kernel`, { kernel: v2 }, ADMIN)
    expect(r).toMatchObject({ status: 200, body: { version: 2, status: 'active' } })
    expect((await state(id)).body.kernel_version).toBe(2)
    const again = await call('PUT', `/v1/holons/${id}/kernel`, { kernel: v2 }, ADMIN)
    expect(again.body).toMatchObject({ version: 2, status: 'unchanged' })
  })

  it('a kernel that does not compile changes nothing', async () => {
    const id = await createHolon(contractKernel)
    const bad = { ...v2, invariants: { Broken: { score: 'agg.nope', threshold: 1 } } }
    const r = await call('PUT', `/v1/holons/${id}/kernel`, { kernel: bad }, ADMIN)
    expect(r).toMatchObject({ status: 400, body: { type: '/problems/kernel_invalid' } })
    expect((await call('GET', `/v1/holons/${id}`)).body.kernel_version).toBe(1)
  })

  it('survives the object being evicted: state reloads from SQLite', async () => {
    const id = await createHolon(contractKernel)
    await commit(id, { events: [ev(1), ev(2), ev(3)] })
    const before = (await state(id)).body
    await evictDurableObject(env.HOLON.getByName(id))
    const after = (await state(id)).body
    expect({ ...after, timestamp: 0 }).toEqual({ ...before, timestamp: 0 })
  })
})
