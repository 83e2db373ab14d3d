// Known answers for the Merkle split point around every power of two up to 2^53, against a doubling loop.
import { describe, expect, it } from 'vitest'
import { highestPowerOfTwo, isPowerOfTwo, largestPowerOfTwoBelow } from '../../functions/merkle/proof.ts'

/** Brute force: double k while the next power of two is still below n (exact: powers of two are exact doubles). */
function bruteBelow(n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

const around = (p: number): number[] =>
  [2 ** p - 1, 2 ** p, 2 ** p + 1].filter((n) => n >= 2 && Number.isSafeInteger(n))

describe('largestPowerOfTwoBelow (the RFC 6962 split point)', () => {
  it('is 2^48 for n = 2^49 (Math.log2 answered 2^49, the whole range)', () => {
    expect(largestPowerOfTwoBelow(2 ** 49)).toBe(2 ** 48)
  })

  it('matches brute force at 2^p - 1, 2^p and 2^p + 1 for every p up to 53', () => {
    for (let p = 1; p <= 53; p++)
      for (const n of around(p)) expect(largestPowerOfTwoBelow(n), `n = ${n}`).toBe(bruteBelow(n))
  })

  it('is strictly below n and at least n / 2 at the largest safe integer', () => {
    const n = Number.MAX_SAFE_INTEGER
    expect(largestPowerOfTwoBelow(n)).toBe(2 ** 52)
  })
})

describe('highestPowerOfTwo and isPowerOfTwo', () => {
  it('is exact for every power of two up to 2^53 and its neighbours', () => {
    for (let p = 0; p <= 53; p++) {
      expect(highestPowerOfTwo(2 ** p)).toBe(2 ** p)
      expect(isPowerOfTwo(2 ** p)).toBe(true)
      if (p >= 2) {
        expect(highestPowerOfTwo(2 ** p - 1)).toBe(2 ** (p - 1))
        expect(isPowerOfTwo(2 ** p - 1)).toBe(false)
      }
      if (p >= 1 && p < 53) expect(isPowerOfTwo(2 ** p + 1)).toBe(false)
    }
  })
})
