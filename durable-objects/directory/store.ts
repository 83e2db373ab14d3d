// The directory's SQL: which names exist, per kind of object, and the tenant each belongs to; listed in id order.
import { Db } from '../shared/db.ts'

/** The kinds of named object the directory records. */
export type DirectoryKind = 'holon' | 'topology' | 'orchestrator'

export type DirectoryEntry = {
  id: string
  registered_at: string
  tenant: string
}

export class DirectoryStore {
  private readonly db: Db

  constructor(storage: DurableObjectStorage) {
    this.db = new Db(storage)
  }

  /**
   * Idempotent: a repeated id keeps its first registration time and its tenant. Answers the id's tenant (the
   * one it already had when it existed) and whether the id is new.
   */
  register(kind: DirectoryKind, id: string, tenant: string, at: string): { added: boolean; tenant: string } {
    const added =
      this.db.run(
        'INSERT OR IGNORE INTO entries (kind, id, tenant, registered_at) VALUES (?, ?, ?, ?)',
        kind,
        id,
        tenant,
        at,
      ) > 0
    return { added, tenant: added ? tenant : (this.tenantOf(kind, id) ?? tenant) }
  }

  /** Forgets an id (a deleted topology). True when it was there. */
  remove(kind: DirectoryKind, id: string): boolean {
    return this.db.run('DELETE FROM entries WHERE kind = ? AND id = ?', kind, id) > 0
  }

  /** The tenant an id belongs to, or undefined when the id is unknown. */
  tenantOf(kind: DirectoryKind, id: string): string | undefined {
    return this.db.one<{ tenant: string }>('SELECT tenant FROM entries WHERE kind = ? AND id = ?', kind, id)
      ?.tenant
  }

  /** Up to `limit` entries of `kind` with ids after `after` (exclusive), in id order; of one tenant or all. */
  page(kind: DirectoryKind, after: string, limit: number, tenant: string | null): DirectoryEntry[] {
    return tenant === null
      ? this.db.all<DirectoryEntry>(
          'SELECT id, registered_at, tenant FROM entries WHERE kind = ? AND id > ? ORDER BY id LIMIT ?',
          kind,
          after,
          limit,
        )
      : this.db.all<DirectoryEntry>(
          'SELECT id, registered_at, tenant FROM entries WHERE kind = ? AND tenant = ? AND id > ? ORDER BY id LIMIT ?',
          kind,
          tenant,
          after,
          limit,
        )
  }
}
