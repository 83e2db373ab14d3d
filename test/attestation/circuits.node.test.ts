// The kernel circuit against an independent BigInt evaluator: a proof exists iff the statement holds, verifies
// with snarkjs and the committed vkey, and fails once a public signal is tampered with; the artifacts match the source.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bn254_Fr } from '@noble/curves/bn254.js'
import fc from 'fast-check'
import { poseidon10 } from 'poseidon-lite'
import * as snarkjs from 'snarkjs'
import { afterAll, describe, expect, it } from 'vitest'
import {
  CIRCUITS,
  compileCircuit,
  root,
  sha256File,
  transcriptPath,
  vkeyPath,
  zkeyPath,
} from '../../scripts/zk/artifacts.ts'
import {
  KERNEL_SHAPE,
  type KernelWitness,
  proveKernel,
  terminateZk,
  verifyWithSnarkjs,
  ZkWitnessError,
} from '../../scripts/zk/prove-core.ts'

const { S, P, C, I } = KERNEL_SHAPE
const FIELD = bn254_Fr.ORDER
const enc = (x: bigint) => (((x % FIELD) + FIELD) % FIELD).toString()

interface Atom {
  kind: number
  ia: number
  ib: number
  ca: bigint
  cb: bigint
  k: bigint
}
interface Statement {
  atoms: Atom[] // at most P
  clauses: { mask: number; owner: number }[] // at most C
  enabled: number[] // invariant i+1 enabled, length I
}

/** The semantics of the contract, written independently of the circuit. */
function holds(st: Statement, value: bigint[], present: boolean[]): boolean {
  const slot = (j: number) => (j < S ? { v: value[j] ?? 0n, p: present[j] ?? false } : { v: 0n, p: false })
  const truth = st.atoms.map((a) => {
    const A = slot(a.ia)
    const B = slot(a.ib)
    const L = a.ca * A.v + a.cb * B.v + a.k
    const both = A.p && B.p
    switch (a.kind) {
      case 1:
        return both && L >= 0n
      case 2:
        return both && L > 0n
      case 3:
        return both && L === 0n
      case 4:
        return both && L !== 0n
      case 5:
        return A.p
      case 6:
        return !A.p
      default:
        return false
    }
  })
  for (let i = 1; i <= I; i++) {
    if (!st.enabled[i - 1]) continue
    const some = st.clauses.some(
      // atoms beyond the statement's are unused (kind 0): false, so a mask naming one fails its clause
      (c) =>
        c.owner === i &&
        Array.from({ length: P }, (_, a) => ((c.mask >> a) & 1) === 0 || truth[a] === true).every(Boolean),
    )
    if (!some) return false
  }
  return true
}

const pad = <T>(xs: T[], n: number, fill: T) => [...xs, ...Array<T>(n - xs.length).fill(fill)]

/** The circuit input; the commitment is poseidon-lite's poseidon10 (must equal circomlib's Poseidon(10)). */
function witness(st: Statement, value: bigint[], present: boolean[], blinding: bigint): KernelWitness {
  const vals = pad(
    value.map((v, j) => (present[j] ? v : 0n)),
    S,
    0n,
  )
  const bits = present.reduce((acc, p, j) => acc + (p ? 1n << BigInt(j) : 0n), 0n)
  const atoms = pad(st.atoms, P, { kind: 0, ia: 0, ib: 0, ca: 0n, cb: 0n, k: 0n })
  const clauses = pad(st.clauses, C, { mask: 0, owner: 0 })
  return {
    commitment: poseidon10([...vals.map(enc), bits, blinding]).toString(),
    kind: atoms.map((a) => a.kind),
    ia: atoms.map((a) => a.ia),
    ib: atoms.map((a) => a.ib),
    ca: atoms.map((a) => enc(a.ca)),
    cb: atoms.map((a) => enc(a.cb)),
    k: atoms.map((a) => enc(a.k)),
    mask: clauses.map((c) => c.mask),
    owner: clauses.map((c) => c.owner),
    enabled: pad(st.enabled, I, 0),
    value: vals.map(enc),
    present: pad(
      present.map((p) => (p ? 1 : 0)),
      S,
      0,
    ),
    blinding: blinding.toString(),
  }
}

/** The public signals the verifier expects, in the circuit's declaration order. */
const publicOf = (w: KernelWitness) =>
  [
    w.commitment,
    ...w.kind,
    ...w.ia,
    ...w.ib,
    ...w.ca,
    ...w.cb,
    ...w.k,
    ...w.mask,
    ...w.owner,
    ...w.enabled,
  ].map(String)

const BLINDING = 0x1234_5678_9abc_def0_1357_9bdf_2468_ace0n

const single = (a: Atom, values: bigint[], present: boolean[]) =>
  witness({ atoms: [a], clauses: [{ mask: 1, owner: 1 }], enabled: [1] }, values, present, BLINDING)

afterAll(async () => {
  await terminateZk()
})

describe('kernel circuit', () => {
  it('a proof exists iff the statement holds (random small statements)', { timeout: 400_000 }, async () => {
    const atom = fc.record({
      kind: fc.integer({ min: 0, max: 7 }),
      ia: fc.integer({ min: 0, max: 9 }),
      ib: fc.integer({ min: 0, max: 9 }),
      ca: fc.bigInt({ min: -5n, max: 5n }),
      cb: fc.bigInt({ min: -5n, max: 5n }),
      // k sits near -(ca va + cb vb) so that the boundary L in {-2..2} comes up often
      delta: fc.bigInt({ min: -2n, max: 2n }),
    })
    const arb = fc.record({
      value: fc.array(fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }), { minLength: S, maxLength: S }),
      present: fc.array(fc.boolean(), { minLength: S, maxLength: S }),
      atoms: fc.array(atom, { minLength: 1, maxLength: 4 }),
      clauses: fc.array(
        fc.record({ mask: fc.integer({ min: 0, max: 15 }), owner: fc.integer({ min: 0, max: 2 }) }),
        { minLength: 1, maxLength: 3 },
      ),
      enabled: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 2, maxLength: 2 }),
      blinding: fc.bigInt({ min: 0n, max: FIELD - 1n }),
    })
    let proved = 0
    let refused = 0
    await fc.assert(
      fc.asyncProperty(arb, async (r) => {
        const value = r.value.map((v, j) => (r.present[j] ? v : 0n))
        const at = (j: number) => (j < S ? (value[j] ?? 0n) : 0n)
        const atoms = r.atoms.map(({ delta, ...a }) => ({
          ...a,
          k: delta - a.ca * at(a.ia) - a.cb * at(a.ib),
        }))
        const st: Statement = { atoms, clauses: r.clauses, enabled: r.enabled }
        const w = witness(st, value, r.present, r.blinding)
        if (holds(st, value, r.present)) {
          const { proof, publicSignals } = await proveKernel(w)
          expect(publicSignals).toEqual(publicOf(w))
          expect(await verifyWithSnarkjs('kernel', publicSignals, proof)).toBe(true)
          proved++
        } else {
          await expect(proveKernel(w)).rejects.toThrow(ZkWitnessError)
          refused++
        }
      }),
      { numRuns: 30, seed: 15 },
    )
    console.log(`kernel property: ${proved} proved, ${refused} refused`)
    expect(proved).toBeGreaterThan(2)
    expect(refused).toBeGreaterThan(2)
  })

  it('L = 0: kind 1 (>= 0) holds, kind 2 (> 0) does not; negative values and coefficients', {
    timeout: 120_000,
  }, async () => {
    // L = (-3)(-7) + 2(5) - 31 = 0
    const values = [-7n, 5n]
    const present = [true, true]
    const a = { ia: 0, ib: 1, ca: -3n, cb: 2n, k: -31n }
    const ok = await proveKernel(single({ kind: 1, ...a }, values, present))
    expect(await verifyWithSnarkjs('kernel', ok.publicSignals, ok.proof)).toBe(true)
    await expect(proveKernel(single({ kind: 2, ...a }, values, present))).rejects.toThrow(/kernel/)
    const eq = await proveKernel(single({ kind: 3, ...a }, values, present))
    expect(await verifyWithSnarkjs('kernel', eq.publicSignals, eq.proof)).toBe(true)
    await expect(proveKernel(single({ kind: 4, ...a }, values, present))).rejects.toThrow(ZkWitnessError)
    // an absent operand makes a comparison false even when L would hold
    await expect(proveKernel(single({ kind: 1, ...a }, values, [true, false]))).rejects.toThrow(
      ZkWitnessError,
    )
  })

  it('tampered public signals fail verification; the committed vkey is the zkey’s', {
    timeout: 120_000,
  }, async () => {
    // a ratio threshold: 10 * sum_a - 3 * sum_b >= 0 (sum_a / sum_b >= 0.3) with sum_a = 40, sum_b = 100
    const w = single({ kind: 1, ia: 0, ib: 1, ca: 10n, cb: -3n, k: 0n }, [40n, 100n], [true, true])
    const { proof, publicSignals } = await proveKernel(w)
    expect(await verifyWithSnarkjs('kernel', publicSignals, proof)).toBe(true)
    const kIndex = 1 + 5 * P // commitment, kind, ia, ib, ca, cb, then k[0]
    expect(publicSignals[kIndex]).toBe('0')
    const raised = [...publicSignals]
    raised[kIndex] = enc(-1n) // the threshold changed
    expect(await verifyWithSnarkjs('kernel', raised, proof)).toBe(false)
    const otherCommitment = [...publicSignals]
    otherCommitment[0] = (BigInt(publicSignals[0] as string) + 1n).toString()
    expect(await verifyWithSnarkjs('kernel', otherCommitment, proof)).toBe(false)
    const disabled = [...publicSignals]
    disabled[publicSignals.length - I] = '0'
    expect(await verifyWithSnarkjs('kernel', disabled, proof)).toBe(false)
    const forged = { ...proof, pi_a: [proof.pi_c[0] as string, proof.pi_c[1] as string, '1'] }
    expect(await verifyWithSnarkjs('kernel', publicSignals, forged)).toBe(false)
    expect(await snarkjs.zKey.exportVerificationKey(zkeyPath('kernel'))).toEqual(
      JSON.parse(readFileSync(vkeyPath('kernel'), 'utf8')),
    )
  })

  it('the commitment is poseidon-lite’s poseidon10: another blinding or value is refused', async () => {
    const w = single({ kind: 5, ia: 0, ib: 0, ca: 0n, cb: 0n, k: 0n }, [9n], [true])
    await expect(proveKernel({ ...w, blinding: (BLINDING + 1n).toString() })).rejects.toThrow(ZkWitnessError)
    await expect(proveKernel({ ...w, value: ['8', ...w.value.slice(1)] })).rejects.toThrow(ZkWitnessError)
  })

  it('range checks: |value| < 2^94, an absent slot holds 0, presence is boolean', {
    timeout: 120_000,
  }, async () => {
    const a = { kind: 1, ia: 0, ib: 0, ca: 1n, cb: 0n, k: 0n }
    const max = await proveKernel(single(a, [2n ** 94n - 1n], [true]))
    expect(await verifyWithSnarkjs('kernel', max.publicSignals, max.proof)).toBe(true)
    await expect(proveKernel(single(a, [2n ** 94n], [true]))).rejects.toThrow(ZkWitnessError)
    const w = single({ ...a, kind: 6 }, [0n], [false])
    // an absent slot with a hidden value, commitment recomputed so that only the presence rule stops it
    const hidden = ['5', ...w.value.slice(1)]
    const commitment = poseidon10([...hidden, 0n, BLINDING]).toString()
    await expect(proveKernel({ ...w, value: hidden, commitment })).rejects.toThrow(ZkWitnessError)
    const two = poseidon10([...w.value, 2n, BLINDING]).toString()
    await expect(proveKernel({ ...w, present: [2, ...w.present.slice(1)], commitment: two })).rejects.toThrow(
      ZkWitnessError,
    )
  })

  it('a witness of the wrong shape is a ZkWitnessError naming the circuit', async () => {
    const w = single({ kind: 1, ia: 0, ib: 0, ca: 1n, cb: 0n, k: 0n }, [1n], [true])
    await expect(proveKernel({ ...w, kind: w.kind.slice(1) })).rejects.toThrow(/no kernel proof/)
  })
})

describe('committed artifacts match the circuit sources', () => {
  const dir = mkdtempSync(join(tmpdir(), 'omega-zk-compile-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const transcript = JSON.parse(readFileSync(transcriptPath, 'utf8')) as {
    circuits: Record<
      string,
      { r1csSha256: string; wasmSha256: string; zkeySha256: string; constraints: number }
    >
  }

  it.each(CIRCUITS.map((c) => [c]))(
    '%s: circom2 compiles the same r1cs and wasm the setup used',
    {
      timeout: 120_000,
    },
    async (name) => {
      const t0 = performance.now()
      const out = await compileCircuit(name, dir)
      console.log(`compile ${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s`)
      const entry = transcript.circuits[name]
      expect(entry).toBeDefined()
      expect(sha256File(out.r1cs)).toBe(entry?.r1csSha256)
      expect(sha256File(out.wasm)).toBe(entry?.wasmSha256)
      expect(sha256File(zkeyPath(name))).toBe(entry?.zkeySha256)
      expect(sha256File(vkeyPath(name))).toBe(
        entry && (transcript.circuits[name] as { vkeySha256?: string }).vkeySha256,
      )
    },
  )
})

describe('npm run zk:setup', () => {
  it('refuses an unknown circuit and an entropy flag before doing any work (exit 2)', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [join(root, 'scripts/zk/setup.ts'), ...args], {
        cwd: root,
        encoding: 'utf8',
      })
    const unknown = run('nope')
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toMatch(/unknown circuit "nope"/)
    const entropy = run('--entropy', 'abc')
    expect(entropy.status).toBe(2)
    const help = run('--help')
    expect(help.status).toBe(0)
    expect(help.stdout).toMatch(/--contribute/)
  })
})
