// The directory Durable Object (one per deployment): the names of the holons and stored topologies that exist, so
// reads of unknown names are answered without waking, and so without allocating, a holon or topology object.
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

  /** Records a created object; repeating it is harmless (creates and re-PUTs of existing ones call it). */
  async register(id: string, kind: DirectoryKind = 'holon'): Promise<{ added: boolean }> {
    return { added: this.store.register(kind, id, new Date().toISOString()) }
  }

  /** Forgets a deleted object. */
  async unregister(id: string, kind: DirectoryKind): Promise<{ removed: boolean }> {
    return { removed: this.store.remove(kind, id) }
  }

  async has(id: string, kind: DirectoryKind = 'holon'): Promise<boolean> {
    return this.store.has(kind, id)
  }

  async list(after: string, limit: number, kind: DirectoryKind = 'holon'): Promise<DirectoryPage> {
    const entries = this.store.page(kind, after, limit + 1)
    const more = entries.length > limit
    if (more) entries.pop()
    return { entries, next_after: more ? (entries.at(-1)?.id ?? null) : null }
  }
}
