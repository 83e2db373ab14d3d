import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'

describe('smoke', () => {
  it('serves the index', async () => {
    const res = await exports.default.fetch('https://omega.test/')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ name: 'omega', holons: '/v1/holons', openapi: '/openapi.json' })
  })

  it('serves the OpenAPI document and the holon listing', async () => {
    const doc = await exports.default.fetch('https://omega.test/openapi.json')
    expect(doc.status).toBe(200)
    expect(((await doc.json()) as { paths: Record<string, unknown> }).paths).toHaveProperty('/v1/holons')
    const list = await exports.default.fetch('https://omega.test/v1/holons')
    expect(list.status).toBe(200)
    expect(await list.json()).toMatchObject({ holons: expect.any(Array) })
  })
})
