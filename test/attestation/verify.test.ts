// POST /v1/verify kind `zk`: a bundle made by `npm run prove` against a real holon (fixtures/brussels-bundle.json,
// recorded from `npm start`'s brussels-tax holon) verifies; every part that is altered makes it invalid.
import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import recorded from './fixtures/brussels-bundle.json'

type Bundle = typeof recorded
const copy = (): Bundle => structuredClone(recorded)

async function verify(body: unknown) {
  const r = await SELF.fetch('https://omega.test/v1/verify', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: r.status, body: (await r.json()) as any }
}
const failing = (report: { checks: { check: string; ok: boolean }[] }) =>
  report.checks.filter((c) => !c.ok).map((c) => c.check)

describe('POST /v1/verify kind zk', () => {
  it('verifies a recorded attestation bundle and says what it proves', async () => {
    const r = await verify(recorded)
    expect(r.status).toBe(200)
    expect(failing(r.body)).toEqual([])
    expect(r.body.valid).toBe(true)
    expect(r.body.notes[0]).toMatch(
      /Progressivity, Rate_Ceiling, Due_Process, Refund_Budget held on the committed aggregates/,
    )
  })

  it('fails when the entry, the kernel, the proof or the key is not the one proved', async () => {
    const cases: [string, (b: Bundle) => void, RegExp][] = [
      [
        'another commitment in the entry',
        (b) => (b.receipt.entry.data.commitment = '1'),
        /entry_hash|Groth16/,
      ],
      [
        'a lower threshold in the kernel',
        (b) => (b.kernel.invariants.Rate_Ceiling.threshold = 0.9),
        /digest/,
      ],
      ['one invariant less in the entry', (b) => b.receipt.entry.data.invariants.pop(), /entry_hash/],
      ['A and C swapped', (b) => ([b.proof.pi_a, b.proof.pi_c] = [b.proof.pi_c, b.proof.pi_a]), /Groth16/],
      [
        'A negated (still on the curve)',
        (b) => (b.proof.pi_a[1] = negate(b.proof.pi_a[1] as string)),
        /Groth16/,
      ],
      ['another verifier key', (b) => (b.verifier_key = otherKey(b.verifier_key)), /signed by the holon key/],
    ]
    for (const [what, alter, why] of cases) {
      const b = copy()
      alter(b)
      const r = await verify(b)
      expect(r.status, what).toBe(200)
      expect(r.body.valid, what).toBe(false)
      expect(failing(r.body).join('; '), what).toMatch(why)
    }
  })

  it('never translates a kernel that a forged entry names (regression: a malformed kernel answered 500)', async () => {
    const b = copy() as unknown as Omit<Bundle, 'kernel'> & { kernel: Record<string, unknown> }
    b.kernel = {
      id: 'x',
      aggregates: { a: { fold: 'sum', expr: 'event.x' } },
      invariants: { I: { score: 'clamp(agg.a)', threshold: 1 } },
    }
    const { kernelDigest } = await import('../../functions/kernel/index.ts')
    const { KernelSpec } = await import('../../schemas/kernel.ts')
    ;(b.receipt.entry.data as Record<string, unknown>).kernel_digest = kernelDigest(
      KernelSpec.parse(b.kernel),
    )
    const r = await verify(b)
    expect(r.status).toBe(200)
    expect(r.body.valid).toBe(false)
    expect(failing(r.body).join('; ')).toMatch(/entry_hash/)
    expect(failing(r.body).join('; ')).not.toMatch(/statement/)
  })

  it('refuses malformed proofs and bundles with 400', async () => {
    for (const alter of [
      (b: Bundle) => (b.proof.pi_a[0] = '0x12'),
      (b: Bundle) => (b.proof.pi_a[0] = '012'),
      (b: Bundle) => ((b.proof as Record<string, unknown>).extra = 1),
      (b: Bundle) => ((b as Record<string, unknown>).circuit = 'placement'),
    ]) {
      const b = copy()
      alter(b)
      expect((await verify(b)).status).toBe(400)
    }
  })
})

/** -y mod p on BN254's base field: the point reflected, still on the curve. */
function negate(y: string): string {
  const p = 21888242871839275222246405745257275088696311157297823662689037894645226208583n
  return ((p - BigInt(y)) % p).toString()
}

/** The same key text with one base64 character changed. */
function otherKey(k: string): string {
  const i = k.length - 5
  return k.slice(0, i) + (k[i] === 'A' ? 'B' : 'A') + k.slice(i + 1)
}
