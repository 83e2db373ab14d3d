// The commit path's hashes: the unrolled SHA3-256 (FIPS 202 examples, equal to @noble/hashes on any input) and the
// native SHA-256 of event digests (equal to the JavaScript one idempotency rows were written with).
import { sha3_256 as reference } from '@noble/hashes/sha3.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { sha256Hex, sha256HexNative } from '../../functions/canonical/index.ts'
import { toHex, utf8 } from '../../functions/ledger/index.ts'
import { sha3_256 } from '../../functions/merkle/index.ts'

describe('sha3_256', () => {
  it('gives the FIPS 202 example digests', () => {
    expect(toHex(sha3_256(new Uint8Array(0)))).toBe(
      'a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a',
    )
    expect(toHex(sha3_256(utf8('abc')))).toBe(
      '3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532',
    )
    // 1600 bits of 0xa3: the rate (136 bytes) is crossed once
    expect(toHex(sha3_256(new Uint8Array(200).fill(0xa3)))).toBe(
      '79f38adec5c20307a98ef76e8324afbfd46cfd81b22e3973c65fa1bd9de31787',
    )
  })

  it('equals @noble/hashes at every length around the block boundaries', () => {
    for (let n = 0; n <= 3 * 136 + 2; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 0xff)
      expect(toHex(sha3_256(data)), `length ${n}`).toBe(toHex(reference(data)))
    }
  })

  it('equals @noble/hashes on arbitrary bytes, and leaves its input alone', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (data) => {
        const copy = data.slice()
        expect(toHex(sha3_256(data))).toBe(toHex(reference(copy)))
        expect(data).toEqual(copy)
      }),
      { numRuns: 300 },
    )
  })
})

describe('sha256HexNative', () => {
  it('equals the JavaScript SHA-256 on any text (stored event digests stay comparable)', async () => {
    expect(await sha256HexNative('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 500 }), async (text) => {
        expect(await sha256HexNative(text)).toBe(sha256Hex(text))
      }),
      { numRuns: 200 },
    )
  })
})
