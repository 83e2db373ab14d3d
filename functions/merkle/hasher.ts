// RFC 6962 / RFC 9162 tree hashing with a pluggable hash: leaf = H(0x00 || data), node = H(0x01 || l || r).
import { sha256 } from '@noble/hashes/sha2.js'
import { sha3_256, sha3_256Prefixed } from './keccak.ts'

export type Hash = Uint8Array

export interface TreeHasher {
  readonly name: string
  leaf(data: Uint8Array): Hash
  node(left: Hash, right: Hash): Hash
  /** The root of the empty tree: H() of nothing. */
  empty(): Hash
}

/** `prefixed(p, data)` = h(p || data); the default copies. */
function treeHasher(
  name: string,
  h: (data: Uint8Array) => Uint8Array,
  prefixed: (prefix: number, data: Uint8Array) => Uint8Array = (prefix, data) => {
    const buf = new Uint8Array(data.length + 1)
    buf[0] = prefix
    buf.set(data, 1)
    return h(buf)
  },
): TreeHasher {
  return {
    name,
    leaf: (data) => prefixed(0, data),
    node(left, right) {
      const buf = new Uint8Array(left.length + right.length)
      buf.set(left)
      buf.set(right, left.length)
      return prefixed(1, buf)
    },
    empty: () => h(new Uint8Array(0)),
  }
}

/** The hash of RFC 6962's published test vectors. */
export const sha256Tree = treeHasher('sha256', sha256)
/** What holon ledgers use. */
export const sha3Tree = treeHasher('sha3-256', sha3_256, sha3_256Prefixed)
