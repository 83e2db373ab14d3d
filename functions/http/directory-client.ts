// The worker's side of the holon directory: which holon ids exist, checked before any holon object is touched.
import type { DirectoryObject } from '../../durable-objects/directory/directory-object.ts'
import { holonStub } from './holon-client.ts'
import { holonNotFound } from './problems.ts'

type DirectoryRpc = Pick<DirectoryObject, 'register' | 'has' | 'list'>

/** The deployment's one directory. */
const directoryStub = (env: Env): DirectoryRpc =>
  env.DIRECTORY.getByName('directory') as unknown as DirectoryRpc

/**
 * Ids this isolate has seen exist. Positive only: holons are never deleted, so a hit stays true, while a miss
 * must be asked again (another isolate may have created the holon since). Bounded; the oldest ids go first.
 */
const known = new Set<string>()
const KNOWN_MAX = 10_000

function remember(id: string): void {
  if (known.has(id)) return
  if (known.size >= KNOWN_MAX) known.delete(known.values().next().value as string)
  known.add(id)
}

/** Records a holon the create route made (or found): idempotent. */
export async function registerHolon(env: Env, id: string): Promise<void> {
  await directoryStub(env).register(id)
  remember(id)
}

/**
 * The holon object of an existing holon; an unknown id answers 404 holon_not_found without waking (and so
 * without allocating storage for) an object. Holons created before the directory existed are registered again
 * by a repeated create (PUT /v1/holons/{id} with the same kernel), as `npm start` does for its examples.
 */
export async function existingHolon(env: Env, id: string): Promise<ReturnType<typeof holonStub>> {
  if (!known.has(id)) {
    if (!(await directoryStub(env).has(id))) throw holonNotFound(id)
    remember(id)
  }
  return holonStub(env, id)
}

export const listHolons = (env: Env, after: string, limit: number) => directoryStub(env).list(after, limit)
