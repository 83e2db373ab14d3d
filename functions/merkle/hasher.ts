// RFC 6962 / RFC 9162 tree hashing with a pluggable hash: leaf = H(0x00 || data), node = H(0x01 || l || r).
import { sha256 } from '@noble/hashes/sha2.js'
import { sha3_256 } from './keccak.ts'

export type Hash = Uint8Array

export interface TreeHasher {
  readonly name: string
  leaf(data: Uint8Array): Hash
  node(left: Hash, right: Hash): Hash
  /** The root of the empty tree: H() of nothing. */
  empty(): Hash
}

function treeHasher(name: string, h: (data: Uint8Array) => Uint8Array): TreeHasher {
  return {
    name,
    leaf(data) {
      const buf = new Uint8Array(data.length + 1)
      buf.set(data, 1)
      return h(buf)
    },
    node(left, right) {
      const buf = new Uint8Array(1 + left.length + right.length)
      buf[0] = 1
      buf.set(left, 1)
      buf.set(right, 1 + left.length)
      return h(buf)
    },
    empty: () => h(new Uint8Array(0)),
  }
}

/** The hash of RFC 6962's published test vectors. */
export const sha256Tree = treeHasher('sha256', sha256)
/** What holon ledgers use. */
export const sha3Tree = treeHasher('sha3-256', sha3_256)
