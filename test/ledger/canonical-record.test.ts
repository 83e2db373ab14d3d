// The commit path's own canonical writer is canonicalJson byte for byte (entries, event bodies), and the full
// commit answer keeps its members in the documented order.
import { exports } from 'cloudflare:workers'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CanonicalJsonError, canonicalJson } from '../../functions/canonical/index.ts'
import { canonicalRecord, sealEntry } from '../../functions/ledger/index.ts'
import { createHolon, WRITE } from '../support/http.ts'
import { contractKernel } from '../support/kernels.ts'

/** Any UTF-16 code unit: lone surrogates included, which canonical JSON refuses. */
const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n))
const anyString = fc.string({ unit: anyUnit, maxLength: 8 })
const primitive = fc.oneof(
  anyString,
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(-0),
)
const member = fc.oneof(primitive, fc.array(primitive, { maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }))

/** The text, or the class of what was thrown. */
const outcome = (f: () => string): string => {
  try {
    return f()
  } catch (e) {
    return e instanceof CanonicalJsonError ? 'CanonicalJsonError' : `unexpected ${(e as Error).name}`
  }
}

describe('canonicalRecord', () => {
  it('writes what canonicalJson writes, and refuses what it refuses (lone surrogates, NaN, Infinity)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.oneof(anyString, fc.string()), member, { maxKeys: 8 }),
        fc.func(fc.boolean()),
        (members, pick) => {
          const given: Record<string, string> = {}
          for (const [k, v] of Object.entries(members)) {
            if (!pick(k)) continue
            const text = outcome(() => canonicalJson(v))
            if (!text.startsWith('C')) given[k] = text
          }
          expect(outcome(() => canonicalRecord(members, given))).toBe(outcome(() => canonicalJson(members)))
        },
      ),
      { numRuns: 500 },
    )
  })

  it('seals an entry over exactly its canonical JSON', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })), (data) => {
        const entry = {
          v: 1 as const,
          holon: 'h',
          index: 3,
          prev: null,
          at: '2026-11-30T00:00:00.000Z',
          kind: 'event.committed' as const,
          data: JSON.parse(JSON.stringify(data)),
        }
        expect(sealEntry(entry).text).toBe(canonicalJson(entry))
      }),
    )
  })
})

describe('the full commit answer', () => {
  it('answers commits and retries with members in the documented order', async () => {
    const id = await createHolon(contractKernel)
    const batch = ['a', 'b'].map((e) => ({ id: e, contributed: 100, returned: 98, trace_id: `t-${e}` }))
    const post = () =>
      exports.default.fetch(`https://omega.test/v1/holons/${id}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${WRITE}` },
        body: JSON.stringify({ events: batch }),
      })
    for (const [status, duplicate] of [
      [201, false],
      [200, true],
    ] as const) {
      const res = await post()
      expect(res.status).toBe(status)
      const text = await res.text()
      const body = JSON.parse(text)
      expect(JSON.stringify(body)).toBe(text)
      expect(Object.keys(body)).toEqual(['holon', 'kernel_version', 'committed', 'duplicates', 'results'])
      const keys = Object.keys(body.results[0])
      expect(keys.slice(0, 3)).toEqual(['event_id', 'seq', 'duplicate'])
      expect(keys.at(-1)).toBe('receipt')
      expect(keys).toEqual(expect.arrayContaining(['verdict', 'torsion', 'state_vector', 'violations']))
      expect(Object.keys(body.results[0].receipt)).toEqual([
        'holon',
        'index',
        'entry',
        'entry_hash',
        'leaf_hash',
        'checkpoint',
        'inclusion',
      ])
      expect(body.results.map((r: { duplicate: boolean }) => r.duplicate)).toEqual([duplicate, duplicate])
    }
  })
})
