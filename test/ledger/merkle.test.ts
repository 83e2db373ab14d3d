// The incremental tree, proofs and verifiers against RFC 6962's recursive definitions (property-based).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  CompactRange,
  consistencyProof,
  type Hash,
  inclusionProof,
  type NodeReader,
  sha3Tree,
  sha256Tree,
  verifyConsistency,
  verifyInclusion,
} from '../../functions/merkle/index.ts'
import { mth, path, proof } from '../support/rfc6962-reference.ts'

/** Builds a tree incrementally and keeps every perfect node it reports, as the holon's SQLite table does. */
function build(leaves: Uint8Array[], h = sha256Tree) {
  const tree = new CompactRange()
  const nodes = new Map<string, Hash>()
  for (const l of leaves)
    for (const n of tree.append(h, h.leaf(l))) nodes.set(`${n.level}:${n.index}`, n.hash)
  const read: NodeReader = (level, index) => {
    const v = nodes.get(`${level}:${index}`)
    if (!v) throw new Error(`node ${level}:${index} missing`)
    return v
  }
  return { tree, read }
}

const leafData = (n: number) => Array.from({ length: n }, (_, i) => Uint8Array.of(i & 255, i >> 8, 7))
const flip = (hs: Hash[], i: number) =>
  hs.map((x, j) => (j === i ? Uint8Array.from(x, (b, k) => (k === 0 ? b ^ 1 : b)) : x))

describe('compact range', () => {
  it('has the RFC 6962 root at every size, for both hashes', () => {
    for (const h of [sha256Tree, sha3Tree]) {
      const leaves = leafData(70)
      const tree = new CompactRange()
      expect(tree.root(h)).toEqual(mth(h, []))
      leaves.forEach((l, i) => {
        tree.append(h, h.leaf(l))
        expect(tree.root(h), `size ${i + 1}`).toEqual(mth(h, leaves.slice(0, i + 1)))
      })
    }
  })

  it('appending hashes O(log n) nodes at most, one on average', () => {
    const tree = new CompactRange()
    let total = 0
    for (let i = 0; i < 4096; i++) {
      const made = tree.append(sha3Tree, sha3Tree.leaf(Uint8Array.of(i & 255))).length - 1
      expect(made).toBeLessThanOrEqual(Math.ceil(Math.log2(i + 2)))
      total += made
    }
    expect(total).toBe(4095)
  })
})

describe('proofs', () => {
  const leaves = leafData(40)
  const { read } = build(leaves)

  it('inclusion proofs equal PATH(m, D[n]) and verify, for every index and size up to 40', () => {
    for (let n = 1; n <= 40; n++) {
      const root = mth(sha256Tree, leaves.slice(0, n))
      for (let m = 0; m < n; m++) {
        const p = inclusionProof(sha256Tree, read, m, n)
        expect(p).toEqual(path(sha256Tree, m, leaves.slice(0, n)))
        const leaf = sha256Tree.leaf(leaves[m] as Uint8Array)
        expect(verifyInclusion(sha256Tree, m, n, leaf, p, root)).toBe(true)
        if (p.length > 0) expect(verifyInclusion(sha256Tree, m, n, leaf, flip(p, 0), root)).toBe(false)
        if (n > 1) expect(verifyInclusion(sha256Tree, (m + 1) % n, n, leaf, p, root)).toBe(false)
      }
    }
  })

  it('consistency proofs equal PROOF(m, D[n]) and verify, for every pair of sizes up to 40', () => {
    for (let n = 1; n <= 40; n++) {
      const root2 = mth(sha256Tree, leaves.slice(0, n))
      for (let m = 1; m <= n; m++) {
        const root1 = mth(sha256Tree, leaves.slice(0, m))
        const p = consistencyProof(sha256Tree, read, m, n)
        expect(p).toEqual(proof(sha256Tree, m, leaves.slice(0, n)))
        expect(verifyConsistency(sha256Tree, m, n, p, root1, root2)).toBe(true)
        if (m < n) {
          expect(verifyConsistency(sha256Tree, m, n, flip(p, p.length - 1), root1, root2)).toBe(false)
          expect(verifyConsistency(sha256Tree, m, n, p, root2, root1)).toBe(false)
          expect(verifyConsistency(sha256Tree, m, n, p.slice(0, -1), root1, root2)).toBe(false)
          expect(verifyConsistency(sha256Tree, m, n, [...p, root1], root1, root2)).toBe(false)
        }
      }
    }
  })

  it('random mutations of valid proofs never verify (property)', () => {
    const big = leafData(300)
    const t = build(big, sha3Tree)
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 300 }), fc.nat(), fc.nat(), fc.nat(7), (n, a, which, bit) => {
        const m = a % n
        const root = mth(sha3Tree, big.slice(0, n))
        const p = inclusionProof(sha3Tree, t.read, m, n)
        const i = which % p.length
        const bad = p.map((x, j) =>
          j === i ? Uint8Array.from(x, (b, k) => (k === 5 ? b ^ (1 << bit) : b)) : x,
        )
        expect(verifyInclusion(sha3Tree, m, n, sha3Tree.leaf(big[m] as Uint8Array), bad, root)).toBe(false)
      }),
    )
  })
})
