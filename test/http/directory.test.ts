// Storage on read: unknown holon ids are answered from the directory without allocating a holon object;
// GET /v1/holons lists the directory.
import { listDurableObjectIds } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { KernelSpec } from '../../schemas/kernel.ts'
import { ADMIN, call, createHolon, freshId, WRITE } from '../support/http.ts'
import { contractKernel } from '../support/kernels.ts'

const holonObjects = async () => (await listDurableObjectIds(env.HOLON)).length

describe('storage on read', () => {
  it('25 reads of unknown holon ids (was 25 new SQLite objects) allocate no holon object', async () => {
    const before = await holonObjects()
    const reads = [
      '',
      '/state',
      '/events',
      '/ledger',
      '/ledger/checkpoint',
      '/pulse',
      '/temporal',
      '/witness',
      '/artifact',
      '/compatibility',
      '/ledger/cosignatures',
      '/ledger/export',
      '/ledger/proof/inclusion?index=0',
    ]
    for (let i = 0; i < 25; i++) {
      const path = `/v1/holons/${freshId('ghost')}${reads[i % reads.length]}`
      const r = await call('GET', path)
      expect(r, path).toMatchObject({ status: 404, body: { type: '/problems/holon_not_found' } })
    }
    const ghost = freshId('ghost')
    const writes = [
      await call('POST', `/v1/holons/${ghost}/evaluate`, { event: { id: 'e' } }),
      await call('POST', `/v1/holons/${ghost}/events`, { event: { id: 'e' } }, WRITE),
      await call('PUT', `/v1/holons/${ghost}/kernel`, { kernel: contractKernel }, ADMIN),
      await call('PUT', `/v1/holons/${ghost}/pulse`, { running: true }, ADMIN),
    ]
    for (const r of writes) expect(r.body.type).toBe('/problems/holon_not_found')
    expect(await holonObjects()).toBe(before)
  })

  it('a created holon is registered and read; its object is the only one allocated', async () => {
    const before = await holonObjects()
    const id = await createHolon(contractKernel)
    expect((await call('GET', `/v1/holons/${id}/state`)).status).toBe(200)
    expect(await holonObjects()).toBe(before + 1)
  })

  it('a holon older than the directory answers 404 until its create call is repeated', async () => {
    const id = freshId('old')
    // As before the directory: the object holds the holon, the directory has never heard of it.
    const made = await env.HOLON.getByName(id).create(id, KernelSpec.parse(contractKernel))
    expect(made.ok).toBe(true)
    expect((await call('GET', `/v1/holons/${id}`)).status).toBe(404)
    const again = await call('PUT', `/v1/holons/${id}`, { kernel: contractKernel }, ADMIN)
    expect(again.status).toBe(200)
    expect((await call('GET', `/v1/holons/${id}`)).body).toMatchObject({ id, kernel_version: 1 })
  })

  it('a holon older than the directory with another kernel is registered by the refused create (409)', async () => {
    const id = freshId('old')
    expect((await env.HOLON.getByName(id).create(id, KernelSpec.parse(contractKernel))).ok).toBe(true)
    const other = { ...contractKernel, gate: { on_torsion: 'flag' } }
    expect((await call('PUT', `/v1/holons/${id}`, { kernel: other }, ADMIN)).status).toBe(409)
    expect((await call('GET', `/v1/holons/${id}`)).body).toMatchObject({
      id,
      kernel: { gate: { on_torsion: 'reject' } },
    })
  })
})

describe('GET /v1/holons', () => {
  it('lists created holons in id order, paged with after and limit', async () => {
    const prefix = `list-${Date.now().toString(36)}`
    const ids = [`${prefix}-c`, `${prefix}-a`, `${prefix}-b`]
    for (const id of ids) await createHolon(contractKernel, id)
    const seen: string[] = []
    let after: string | null = `${prefix}-`
    while (after !== null) {
      const r: { status: number; body: { holons: { id: string }[]; next_after: string | null } } = await call(
        'GET',
        `/v1/holons?after=${after}&limit=2`,
      )
      expect(r.status).toBe(200)
      expect(r.body.holons.length).toBeLessThanOrEqual(2)
      seen.push(...r.body.holons.map((h) => h.id))
      after = r.body.next_after
    }
    expect(seen.filter((id) => id.startsWith(prefix))).toEqual([...ids].sort())
    const bad = await call('GET', '/v1/holons?limit=0')
    expect(bad).toMatchObject({ status: 400, body: { type: '/problems/validation_failed' } })
  })
})
