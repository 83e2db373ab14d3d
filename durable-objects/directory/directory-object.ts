// The directory Durable Object (one per deployment): the names of the holons, stored topologies and orchestrators
// that exist and the tenant each belongs to, so reads of unknown (or other tenants') names are answered without
// waking, and so without allocating, an object.
import { DurableObject } from 'cloudflare:workers'
import { migrate } from './migrations.ts'
import { type DirectoryEntry, type DirectoryKind, DirectoryStore } from './store.ts'

export type { DirectoryKind } from './store.ts'

export interface DirectoryPage {
  entries: DirectoryEntry[]
  next_after: string | null
}

export class DirectoryObject extends DurableObject<Env> {
  private readonly store: DirectoryStore

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.store = new DirectoryStore(ctx.storage)
    ctx.blockConcurrencyWhile(async () => ctx.storage.transactionSync(() => migrate(ctx.storage.sql)))
  }

  /**
   * Records a created object for `tenant`; repeating it is harmless (creates and re-PUTs of existing ones call
   * it) and never moves an object to another tenant: the answer names the tenant it belongs to.
   */
  async register(
    id: string,
    kind: DirectoryKind = 'holon',
    tenant = 'default',
  ): Promise<{ added: boolean; tenant: string }> {
    return this.store.register(kind, id, tenant, new Date().toISOString())
  }

  /** Forgets a deleted object. */
  async unregister(id: string, kind: DirectoryKind): Promise<{ removed: boolean }> {
    return { removed: this.store.remove(kind, id) }
  }

  async has(id: string, kind: DirectoryKind = 'holon'): Promise<boolean> {
    return this.store.tenantOf(kind, id) !== undefined
  }

  /** The tenant an object belongs to; null when it does not exist. */
  async tenantOf(id: string, kind: DirectoryKind = 'holon'): Promise<string | null> {
    return this.store.tenantOf(kind, id) ?? null
  }

  /** A page of `kind` in id order; `tenant` null lists every tenant's. */
  async list(
    after: string,
    limit: number,
    kind: DirectoryKind = 'holon',
    tenant: string | null = null,
  ): Promise<DirectoryPage> {
    const entries = this.store.page(kind, after, limit + 1, tenant)
    const more = entries.length > limit
    if (more) entries.pop()
    return { entries, next_after: more ? (entries.at(-1)?.id ?? null) : null }
  }
}
