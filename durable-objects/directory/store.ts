// The directory's SQL: which names exist, per kind of object, registered once, listed in id order.
import { Db } from '../shared/db.ts'

/** The kinds of named object the directory records. */
export type DirectoryKind = 'holon' | 'topology' | 'orchestrator'

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
  register(kind: DirectoryKind, id: string, at: string): boolean {
    return (
      this.db.run('INSERT OR IGNORE INTO entries (kind, id, registered_at) VALUES (?, ?, ?)', kind, id, at) >
      0
    )
  }

  /** Forgets an id (a deleted topology). True when it was there. */
  remove(kind: DirectoryKind, id: string): boolean {
    return this.db.run('DELETE FROM entries WHERE kind = ? AND id = ?', kind, id) > 0
  }

  has(kind: DirectoryKind, id: string): boolean {
    return this.db.one('SELECT 1 AS hit FROM entries WHERE kind = ? AND id = ?', kind, id) !== undefined
  }

  /** Up to `limit` entries of `kind` with ids after `after` (exclusive), in id order. */
  page(kind: DirectoryKind, after: string, limit: number): DirectoryEntry[] {
    return this.db.all<{ id: string; registered_at: string }>(
      'SELECT id, registered_at FROM entries WHERE kind = ? AND id > ? ORDER BY id LIMIT ?',
      kind,
      after,
      limit,
    )
  }
}
