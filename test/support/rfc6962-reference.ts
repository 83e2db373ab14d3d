// RFC 6962 section 2.1 written out literally (recursive MTH, PATH, PROOF): the reference the fast code is checked against.
import type { Hash, TreeHasher } from '../../functions/merkle/index.ts'

const k = (n: number) => 2 ** Math.floor(Math.log2(n - 1))

export function mth(h: TreeHasher, leaves: Uint8Array[]): Hash {
  if (leaves.length === 0) return h.empty()
  if (leaves.length === 1) return h.leaf(leaves[0] as Uint8Array)
  const s = k(leaves.length)
  return h.node(mth(h, leaves.slice(0, s)), mth(h, leaves.slice(s)))
}

export function path(h: TreeHasher, m: number, leaves: Uint8Array[]): Hash[] {
  if (leaves.length <= 1) return []
  const s = k(leaves.length)
  return m < s
    ? [...path(h, m, leaves.slice(0, s)), mth(h, leaves.slice(s))]
    : [...path(h, m - s, leaves.slice(s)), mth(h, leaves.slice(0, s))]
}

export function proof(h: TreeHasher, m: number, leaves: Uint8Array[]): Hash[] {
  const sub = (m: number, d: Uint8Array[], b: boolean): Hash[] => {
    if (m === d.length) return b ? [] : [mth(h, d)]
    const s = k(d.length)
    return m <= s
      ? [...sub(m, d.slice(0, s), b), mth(h, d.slice(s))]
      : [...sub(m - s, d.slice(s), false), mth(h, d.slice(0, s))]
  }
  return sub(m, leaves, true)
}
