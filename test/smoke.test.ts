import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'

describe('smoke', () => {
  it('serves the index', async () => {
    const res = await exports.default.fetch('https://omega.test/')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ name: 'omega' })
  })
})
