// A compact range over [0, size): the roots of the perfect subtrees that make up the tree so far.
// Appending costs O(log n) node hashes at most (one on average), never a rebuild.
import type { Hash, TreeHasher } from './hasher.ts'

/** A perfect subtree: covers leaves [index * 2^level, (index + 1) * 2^level). */
export interface TreeNode {
  level: number
  index: number
  hash: Hash
}

export class CompactRange {
  /** Perfect subtree roots, left to right, strictly decreasing levels (the binary digits of size). */
  readonly nodes: TreeNode[]
  size: number

  constructor(size = 0, nodes: TreeNode[] = []) {
    this.size = size
    this.nodes = nodes
  }

  static levelsOf(size: number): { level: number; index: number }[] {
    const out: { level: number; index: number }[] = []
    let start = 0
    for (let level = 52; level >= 0; level--) {
      const width = 2 ** level
      if (size - start >= width) {
        out.push({ level, index: start / width })
        start += width
      }
    }
    return out
  }

  clone(): CompactRange {
    return new CompactRange(this.size, [...this.nodes])
  }

  /** Appends a leaf hash; returns every perfect node this completed (the leaf itself first). */
  append(h: TreeHasher, leafHash: Hash): TreeNode[] {
    let node: TreeNode = { level: 0, index: this.size, hash: leafHash }
    const created = [node]
    while (this.nodes.length > 0 && (this.nodes.at(-1) as TreeNode).level === node.level) {
      const left = this.nodes.pop() as TreeNode
      node = { level: node.level + 1, index: left.index / 2, hash: h.node(left.hash, node.hash) }
      created.push(node)
    }
    this.nodes.push(node)
    this.size++
    return created
  }

  /** The RFC 6962 root: fold the perfect subtrees right to left. */
  root(h: TreeHasher): Hash {
    if (this.nodes.length === 0) return h.empty()
    let acc = (this.nodes.at(-1) as TreeNode).hash
    for (let i = this.nodes.length - 2; i >= 0; i--) acc = h.node((this.nodes[i] as TreeNode).hash, acc)
    return acc
  }
}
