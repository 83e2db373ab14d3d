// The example holons: each template's kernel compiles, its seed commits cleanly, and its "try" events
// get the verdicts their authors wrote down.
import { describe, expect, it } from 'vitest'
import { loadTemplate } from '../bootstrap/template.ts'
import { call, commit, createHolon } from './support/http.ts'

const templates = import.meta.glob<unknown>('../bootstrap/holons/*.json', { eager: true, import: 'default' })

describe('bootstrap templates', () => {
  it('include the three example domains', () => {
    expect(
      Object.values(templates)
        .map((t) => loadTemplate(t).holon)
        .sort(),
    ).toEqual(['brussels-tax', 'circular-economy', 'logistics'])
  })

  for (const [file, json] of Object.entries(templates)) {
    const t = loadTemplate(json)
    it(`${file}: seed admitted, try events judged as documented`, async () => {
      const id = await createHolon(t.kernel)
      const seeded = await commit(id, { events: t.seed })
      expect(seeded.status).toBe(201)
      for (const r of seeded.body.results) expect(r.verdict).toBe('admit')
      for (const x of t.try) {
        const r = await call('POST', `/v1/holons/${id}/evaluate`, { event: x.event })
        expect(r.body.results[0].verdict, x.title).toBe(x.expect)
      }
    })
  }
})
