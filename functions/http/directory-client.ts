// The worker's side of the deployment directory: which holons and stored topologies exist, checked before any
// holon or topology object is touched.
import type { DirectoryKind, DirectoryObject } from '../../durable-objects/directory/directory-object.ts'
import type { DirectoryEntry } from '../../durable-objects/directory/store.ts'
import { holonStub } from './holon-client.ts'
import { ApiError, holonNotFound } from './problems.ts'
import { topologyStub } from './topology-client.ts'

type DirectoryRpc = Pick<DirectoryObject, 'register' | 'unregister' | 'has' | 'list'>

/** The deployment's one directory. */
const directoryStub = (env: Env): DirectoryRpc =>
  env.DIRECTORY.getByName('directory') as unknown as DirectoryRpc

/**
 * Names this isolate has seen exist, per kind. Positive only: a miss must be asked again (another isolate may
 * have created the object since). Holons are never deleted, so a hit stays true; a deleted topology is forgotten
 * here by the isolate that deleted it, and another isolate's stale hit only wakes the (existing) object, which
 * answers not found itself. Bounded; the oldest names go first.
 */
const known = new Set<string>()
const KNOWN_MAX = 10_000
const key = (kind: DirectoryKind, id: string) => `${kind}:${id}`

function remember(kind: DirectoryKind, id: string): void {
  const k = key(kind, id)
  if (known.has(k)) return
  if (known.size >= KNOWN_MAX) known.delete(known.values().next().value as string)
  known.add(k)
}

/** Records an object a create route made (or found): idempotent. */
async function register(env: Env, kind: DirectoryKind, id: string): Promise<void> {
  await directoryStub(env).register(id, kind)
  remember(kind, id)
}

/** True when the directory has the name (asking it only on a cache miss). */
async function exists(env: Env, kind: DirectoryKind, id: string): Promise<boolean> {
  if (known.has(key(kind, id))) return true
  if (!(await directoryStub(env).has(id, kind))) return false
  remember(kind, id)
  return true
}

/** Records a holon the create route made (or found): idempotent. */
export const registerHolon = (env: Env, id: string): Promise<void> => register(env, 'holon', id)

/**
 * The holon object of an existing holon; an unknown id answers 404 holon_not_found without waking (and so
 * without allocating storage for) an object. Holons created before the directory existed are registered again
 * by a repeated create (PUT /v1/holons/{id} with the same kernel), as `npm start` does for its examples.
 */
export async function existingHolon(env: Env, id: string): Promise<ReturnType<typeof holonStub>> {
  if (!(await exists(env, 'holon', id))) throw holonNotFound(id)
  return holonStub(env, id)
}

const page = async (env: Env, kind: DirectoryKind, after: string, limit: number) =>
  directoryStub(env).list(after, limit, kind)

export async function listHolons(
  env: Env,
  after: string,
  limit: number,
): Promise<{ holons: DirectoryEntry[]; next_after: string | null }> {
  const p = await page(env, 'holon', after, limit)
  return { holons: p.entries, next_after: p.next_after }
}

/** Records a stored topology its PUT created: idempotent. */
export const registerTopology = (env: Env, name: string): Promise<void> => register(env, 'topology', name)

/** Forgets a deleted topology, here and in the directory. */
export async function unregisterTopology(env: Env, name: string): Promise<void> {
  known.delete(key('topology', name))
  await directoryStub(env).unregister(name, 'topology')
}

/**
 * The object of an existing stored topology; an unknown name answers 404 topology_not_found without waking (and
 * so without allocating storage for) an object. Topologies stored before the directory knew them are registered
 * again by repeating their PUT.
 */
export async function existingTopology(env: Env, name: string): Promise<ReturnType<typeof topologyStub>> {
  if (!(await exists(env, 'topology', name)))
    throw new ApiError(
      'topology_not_found',
      `no stored topology '${name}'; create it with PUT /v1/topologies/${name}`,
    )
  return topologyStub(env, name)
}

export async function listTopologies(
  env: Env,
  after: string,
  limit: number,
): Promise<{ topologies: DirectoryEntry[]; next_after: string | null }> {
  const p = await page(env, 'topology', after, limit)
  return { topologies: p.entries, next_after: p.next_after }
}

/** Records an orchestrator its PUT created: idempotent. */
export const registerOrchestrator = (env: Env, id: string): Promise<void> => register(env, 'orchestrator', id)

/** True when the orchestrator exists; unknown ids answer 404 without waking an object. */
export const orchestratorExists = (env: Env, id: string): Promise<boolean> => exists(env, 'orchestrator', id)

export async function listOrchestrators(
  env: Env,
  after: string,
  limit: number,
): Promise<{ orchestrators: DirectoryEntry[]; next_after: string | null }> {
  const p = await page(env, 'orchestrator', after, limit)
  return { orchestrators: p.entries, next_after: p.next_after }
}
