// The directory's SQL: which holon ids exist, registered once, listed in id order.
import { Db } from '../shared/db.ts'

export interface DirectoryEntry {
  id: string
  registered_at: string
}

export class DirectoryStore {
  private readonly db: Db

  constructor(storage: DurableObjectStorage) {
    this.db = new Db(storage)
  }

  /** Idempotent: a repeated id keeps its first registration time. True when the id is new. */
  register(id: string, at: string): boolean {
    const before = this.has(id)
    if (!before) this.db.run('INSERT OR IGNORE INTO holons (id, registered_at) VALUES (?, ?)', id, at)
    return !before
  }

  has(id: string): boolean {
    return this.db.one('SELECT 1 AS hit FROM holons WHERE id = ?', id) !== undefined
  }

  /** Up to `limit` entries with ids after `after` (exclusive), in id order. */
  page(after: string, limit: number): DirectoryEntry[] {
    return this.db.all<{ id: string; registered_at: string }>(
      'SELECT id, registered_at FROM holons WHERE id > ? ORDER BY id LIMIT ?',
      after,
      limit,
    )
  }
}
