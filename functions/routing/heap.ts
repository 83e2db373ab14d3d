// A binary min-heap of (key, value) pairs on parallel arrays.
export class MinHeap {
  private keys: number[] = []
  private vals: number[] = []

  get size(): number {
    return this.keys.length
  }

  push(key: number, val: number): void {
    const ks = this.keys
    const vs = this.vals
    let i = ks.length
    ks.push(key)
    vs.push(val)
    while (i > 0) {
      const p = (i - 1) >> 1
      if ((ks[p] as number) <= key) break
      ks[i] = ks[p] as number
      vs[i] = vs[p] as number
      i = p
    }
    ks[i] = key
    vs[i] = val
  }

  /** Removes the smallest pair; returns its value (call only when size > 0). */
  pop(): number {
    const ks = this.keys
    const vs = this.vals
    const top = vs[0] as number
    const k = ks.pop() as number
    const v = vs.pop() as number
    const n = ks.length
    if (n > 0) {
      let i = 0
      for (;;) {
        let c = 2 * i + 1
        if (c >= n) break
        if (c + 1 < n && (ks[c + 1] as number) < (ks[c] as number)) c++
        if ((ks[c] as number) >= k) break
        ks[i] = ks[c] as number
        vs[i] = vs[c] as number
        i = c
      }
      ks[i] = k
      vs[i] = v
    }
    return top
  }

  peekKey(): number {
    return this.keys[0] as number
  }
}
