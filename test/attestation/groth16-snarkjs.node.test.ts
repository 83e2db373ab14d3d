// verifyGroth16 against the reference (snarkjs.groth16.verify) on fresh square.circom proofs and random tamperings.
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { bn254 } from '@noble/curves/bn254.js'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyGroth16 } from '../../functions/attestation/groth16.ts'
import manyVkey from './fixtures/many.vkey.json'
import vkeyJson from './fixtures/square.vkey.json'

const file = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
// snarkjs ships no types: a dynamic import through a string keeps it `any` without a global declaration
const snarkjs = await import('snarkjs' as string)
const R = bn254.fields.Fr.ORDER
const P = bn254.fields.Fp.ORDER

type Proved = { proof: any; publicSignals: string[] }
const rand = () => BigInt(`0x${randomBytes(31).toString('hex')}`)

describe('verifyGroth16 agrees with snarkjs.groth16.verify', () => {
  const fresh: Proved[] = []

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      const x = rand()
      const input = { x: String(x), salt: String(rand()), y: String((x * x) % R) }
      fresh.push(await snarkjs.groth16.fullProve(input, file('square.wasm'), file('square.zkey')))
    }
  }, 120_000)

  // snarkjs keeps the curve (and its worker threads) on globalThis
  afterAll(async () => {
    await (globalThis as any).curve_bn128?.terminate()
  })

  it('both accept fresh proofs for random inputs', async () => {
    for (const { proof, publicSignals } of fresh) {
      expect(await snarkjs.groth16.verify(vkeyJson, publicSignals, proof)).toBe(true)
      expect(verifyGroth16(vkeyJson, publicSignals, proof)).toEqual({ valid: true })
    }
  })

  it('both agree with 11 public signals: fresh proofs accepted, each signal changed refused', async () => {
    const a = Array.from({ length: 10 }, () => String(rand()))
    const { proof, publicSignals } = await snarkjs.groth16.fullProve(
      { a, x: String(rand()) },
      file('many.wasm'),
      file('many.zkey'),
    )
    expect(await snarkjs.groth16.verify(manyVkey, publicSignals, proof)).toBe(true)
    expect(verifyGroth16(manyVkey, publicSignals, proof)).toEqual({ valid: true })
    for (let i = 0; i < publicSignals.length; i++) {
      const t = [...publicSignals]
      t[i] = String((BigInt(t[i]) + rand()) % R)
      expect(await snarkjs.groth16.verify(manyVkey, t, proof)).toBe(false)
      expect(verifyGroth16(manyVkey, t, proof).valid).toBe(false)
    }
  }, 60_000)

  /** A valid G1 point other than the one there: a random multiple of the generator. */
  const g1 = (k: bigint) => {
    const p = bn254.G1.Point.BASE.multiply(k).toAffine()
    return [String(p.x), String(p.y), '1']
  }
  const tamperings: Record<string, (t: Proved, other: Proved, k: bigint) => void> = {
    'A coordinate + k': (t, _, k) => (t.proof.pi_a[0] = String((BigInt(t.proof.pi_a[0]) + k) % P)),
    'B coordinate + k': (t, _, k) => (t.proof.pi_b[1][1] = String((BigInt(t.proof.pi_b[1][1]) + k) % P)),
    'C y + k': (t, _, k) => (t.proof.pi_c[1] = String((BigInt(t.proof.pi_c[1]) + k) % P)),
    'A replaced by k*G': (t, _, k) => (t.proof.pi_a = g1(k)),
    'C replaced by k*G': (t, _, k) => (t.proof.pi_c = g1(k)),
    'A negated': (t) => (t.proof.pi_a[1] = String(P - BigInt(t.proof.pi_a[1]))),
    'A and C swapped': (t) => ([t.proof.pi_a, t.proof.pi_c] = [t.proof.pi_c, t.proof.pi_a]),
    'B from another proof': (t, o) => (t.proof.pi_b = structuredClone(o.proof.pi_b)),
    'C from another proof': (t, o) => (t.proof.pi_c = structuredClone(o.proof.pi_c)),
    'signals from another proof': (t, o) => (t.publicSignals = [...o.publicSignals]),
    'commitment + k mod r': (t, _, k) =>
      (t.publicSignals[0] = String((BigInt(t.publicSignals[0] as string) + k) % R)),
    'y + r': (t) => (t.publicSignals[1] = String(BigInt(t.publicSignals[1] as string) + R)),
    'signals swapped': (t) => (t.publicSignals = [t.publicSignals[1], t.publicSignals[0]] as string[]),
  }

  it('both refuse the same ~50 random tamperings (the reference decides)', async () => {
    const seen = new Set<string>()
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(tamperings)),
        fc.nat(2),
        fc.bigInt(1n, R - 1n),
        async (name, i, k) => {
          const t = structuredClone(fresh[i]) as Proved
          ;(tamperings[name] as (t: Proved, o: Proved, k: bigint) => void)(t, fresh[(i + 1) % 3] as Proved, k)
          const reference = await snarkjs.groth16.verify(vkeyJson, t.publicSignals, t.proof)
          const ours = verifyGroth16(vkeyJson, t.publicSignals, t.proof)
          expect(ours.valid, name).toBe(reference)
          expect(ours.valid, name).toBe(false)
          seen.add(name)
        },
      ),
      { numRuns: 50 },
    )
    // the draw covered most kinds of tampering
    expect(seen.size).toBeGreaterThan(8)
  }, 120_000)
})
