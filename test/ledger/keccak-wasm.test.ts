// The WebAssembly SHA3-256 (functions/merkle/keccak.wasm, assembled by keccak-wasm.ts): FIPS 202 / NIST example
// digests, equal to @noble/hashes on any input and length, with and without a prefix byte, and installed in objects.
import { sha3_256 as reference } from '@noble/hashes/sha3.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import '../../durable-objects/shared/sql-ledger.ts'
import { toHex, utf8 } from '../../functions/ledger/index.ts'
import { sha3_256, sha3_256Prefixed, sha3Js, sha3Tree, useSha3Backend } from '../../functions/merkle/index.ts'
import keccakModule from '../../functions/merkle/keccak.wasm'
import { wasmSha3 } from '../../functions/merkle/keccak-wasm.ts'

const wasm = wasmSha3(new WebAssembly.Instance(keccakModule))
const withPrefix = (prefix: number, data: Uint8Array) => Uint8Array.of(prefix, ...data)

describe('the WebAssembly SHA3-256', () => {
  it('gives the published SHA3-256 example digests', () => {
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(0), 'a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a'],
      [utf8('abc'), '3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532'],
      [
        utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
        '41c0dba2a9d6240849100376a8235e2c82e1b9998a999e21db32dd97496d3376',
      ],
      [
        utf8(
          'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
        ),
        '916f6061fe879741ca6469b43971dfdb28b1a32dc36cb3254e812be27aad1d18',
      ],
      [new Uint8Array(200).fill(0xa3), '79f38adec5c20307a98ef76e8324afbfd46cfd81b22e3973c65fa1bd9de31787'],
      // one million 'a': the module's memory grows past its first 64 KiB page
      [
        new Uint8Array(1_000_000).fill(0x61),
        '5c8875ae474a3634ba4fd55ec85bffd661f32aca75c6d699d0cdcb6c115891c1',
      ],
    ]
    for (const [data, digest] of cases) expect(toHex(wasm(data)), `length ${data.length}`).toBe(digest)
  })

  it('equals @noble/hashes at every length around the block boundaries, with and without a prefix byte', () => {
    for (let n = 0; n <= 3 * 136 + 2; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 0xff)
      expect(toHex(wasm(data)), `length ${n}`).toBe(toHex(reference(data)))
      expect(toHex(wasm(data, n & 1)), `prefixed, length ${n}`).toBe(
        toHex(reference(withPrefix(n & 1, data))),
      )
    }
  })

  it('equals @noble/hashes on arbitrary bytes after any earlier input, and leaves its input alone', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.uint8Array({ maxLength: 300 }), (data, before) => {
        wasm(before) // a longer or shorter earlier input must leave nothing behind
        const copy = data.slice()
        expect(toHex(wasm(data))).toBe(toHex(reference(copy)))
        expect(toHex(wasm(data, 0))).toBe(toHex(reference(withPrefix(0, copy))))
        expect(data).toEqual(copy)
      }),
      { numRuns: 300 },
    )
  })

  it('is what objects hash with (installed by the SQL ledger), and gives the JavaScript digests', () => {
    const data = utf8('{"v":1}')
    const leaf = sha3Tree.leaf(data)
    useSha3Backend(undefined)
    try {
      expect(toHex(sha3_256(data))).toBe(toHex(sha3Js(data)))
      expect(toHex(sha3Tree.leaf(data))).toBe(toHex(leaf))
    } finally {
      useSha3Backend(wasm)
    }
    // installed: the prefixed hash is the module's (a JavaScript fallback would copy, with the same digest)
    expect(toHex(sha3_256Prefixed(0, data))).toBe(toHex(leaf))
    expect(toHex(leaf)).toBe(toHex(reference(withPrefix(0, data))))
  })
})
