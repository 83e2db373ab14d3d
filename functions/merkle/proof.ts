// Inclusion and consistency proofs (RFC 9162 section 2.1.3 / 2.1.4), built from stored perfect-subtree hashes.
import type { Hash, TreeHasher } from './hasher.ts'

/** Looks up the hash of the perfect subtree covering leaves [index * 2^level, (index + 1) * 2^level). */
export type NodeReader = (level: number, index: number) => Hash

export class ProofError extends Error {
  override name = 'ProofError'
}

/**
 * The largest power of two <= m, for a safe integer m >= 1, in exact integer arithmetic: Math.clz32 on the
 * high and low 32-bit halves (Math.log2 rounds 2^49 - 1 up to 49, so floating point splits trees wrongly).
 */
export function highestPowerOfTwo(m: number): number {
  const high = Math.floor(m / 2 ** 32) // exact: a division by a power of two
  return high > 0 ? 2 ** (63 - Math.clz32(high)) : 2 ** (31 - Math.clz32(m >>> 0))
}

export const isPowerOfTwo = (n: number): boolean => n > 0 && highestPowerOfTwo(n) === n
/** The split point k of RFC 6962: the largest power of two strictly below n (n >= 2). */
export const largestPowerOfTwoBelow = (n: number): number => highestPowerOfTwo(n - 1)

/** MTH(D[start:end]): perfect ranges are one lookup, others split at the largest power of two. */
export function rangeHash(h: TreeHasher, read: NodeReader, start: number, end: number): Hash {
  const n = end - start
  if (n === 0) return h.empty()
  if (isPowerOfTwo(n) && start % n === 0) return read(Math.log2(n), start / n)
  const k = largestPowerOfTwoBelow(n)
  return h.node(rangeHash(h, read, start, start + k), rangeHash(h, read, start + k, end))
}

/** PATH(m, D[0:n]) of RFC 6962 section 2.1.1; `range` computes MTH of a range (memoised by inclusionProofs). */
export function inclusionProof(
  h: TreeHasher,
  read: NodeReader,
  index: number,
  size: number,
  range: (start: number, end: number) => Hash = (start, end) => rangeHash(h, read, start, end),
): Hash[] {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw new ProofError(`index ${index} is not in a tree of size ${size}`)
  }
  const path: Hash[] = []
  let [start, end, m] = [0, size, index]
  while (end - start > 1) {
    const k = largestPowerOfTwoBelow(end - start)
    if (m < k) {
      path.push(range(start + k, end))
      end = start + k
    } else {
      path.push(range(start, start + k))
      start += k
      m -= k
    }
  }
  return path.reverse()
}

/**
 * Inclusion proofs of several leaves in one tree. Their paths share the hashes of the ranges right of
 * them (all ending at `size`, which are not stored perfect nodes): each such range is hashed once.
 */
export function inclusionProofs(
  h: TreeHasher,
  read: NodeReader,
  indices: readonly number[],
  size: number,
): Hash[][] {
  const memo = new Map<string, Hash>()
  const range = (start: number, end: number): Hash => {
    const key = `${start}:${end}`
    let hash = memo.get(key)
    if (!hash) {
      hash = rangeHash(h, read, start, end)
      memo.set(key, hash)
    }
    return hash
  }
  return indices.map((index) => inclusionProof(h, read, index, size, range))
}

/** PROOF(m, D[0:n]) of RFC 6962 section 2.1.2. */
export function consistencyProof(h: TreeHasher, read: NodeReader, m: number, n: number): Hash[] {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 1 || m > n) {
    throw new ProofError(`no consistency proof from size ${m} to size ${n}`)
  }
  const out: Hash[] = []
  const subproof = (m: number, start: number, end: number, complete: boolean) => {
    const size = end - start
    if (m === size) {
      if (!complete) out.push(rangeHash(h, read, start, end))
      return
    }
    const k = largestPowerOfTwoBelow(size)
    if (m <= k) {
      subproof(m, start, start + k, complete)
      out.push(rangeHash(h, read, start + k, end))
    } else {
      subproof(m - k, start + k, end, false)
      out.push(rangeHash(h, read, start, start + k))
    }
  }
  subproof(m, 0, n, true)
  return out
}
