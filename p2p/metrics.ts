// Counters a node exposes: messages seen, accepted and dropped (by topic and reason).
export class Metrics {
  readonly counts = new Map<string, number>()

  inc(key: string, n = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + n)
  }

  get(key: string): number {
    return this.counts.get(key) ?? 0
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)))
  }
}
