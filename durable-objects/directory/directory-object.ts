// The directory Durable Object (one per deployment): the ids of the holons that exist, so reads of unknown ids
// are answered without waking, and so without allocating, a holon object.
import { DurableObject } from 'cloudflare:workers'
import { migrate } from './migrations.ts'
import { type DirectoryEntry, DirectoryStore } from './store.ts'

export interface DirectoryPage {
  holons: DirectoryEntry[]
  next_after: string | null
}

export class DirectoryObject extends DurableObject<Env> {
  private readonly store: DirectoryStore

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.store = new DirectoryStore(ctx.storage)
    ctx.blockConcurrencyWhile(async () => ctx.storage.transactionSync(() => migrate(ctx.storage.sql)))
  }

  /** Records a created holon; repeating it is harmless (creates and re-PUTs of existing holons call it). */
  async register(id: string): Promise<{ added: boolean }> {
    return { added: this.store.register(id, new Date().toISOString()) }
  }

  async has(id: string): Promise<boolean> {
    return this.store.has(id)
  }

  async list(after: string, limit: number): Promise<DirectoryPage> {
    const holons = this.store.page(after, limit + 1)
    const more = holons.length > limit
    if (more) holons.pop()
    return { holons, next_after: more ? (holons.at(-1)?.id ?? null) : null }
  }
}
