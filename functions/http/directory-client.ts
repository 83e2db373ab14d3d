// The worker's side of the deployment directory: which holons, stored topologies and orchestrators exist and which
// tenant each belongs to, checked (with the caller's credential) before any of their objects is touched.
import type { DirectoryKind, DirectoryObject } from '../../durable-objects/directory/directory-object.ts'
import type { DirectoryEntry } from '../../durable-objects/directory/store.ts'
import type { Actor } from '../../schemas/ledger.ts'
import { actorFor, jwtEnabled, type Principal, ROOT_TENANT } from './auth.ts'
import { holonStub } from './holon-client.ts'
import { ApiError, holonNotFound } from './problems.ts'
import { topologyStub } from './topology-client.ts'

type DirectoryRpc = Pick<DirectoryObject, 'register' | 'unregister' | 'tenantOf' | 'list'>

/** The deployment's one directory. */
const directoryStub = (env: Env): DirectoryRpc =>
  env.DIRECTORY.getByName('directory') as unknown as DirectoryRpc

/**
 * The tenants of names this isolate has seen exist, per kind. Positive only: a miss must be asked again (another
 * isolate may have created the object since). Holons and orchestrators are never deleted and never change
 * tenant, so a hit stays true. Topologies are not kept: a deleted name may be created again by another tenant,
 * and a stale hit here would then open it to the old one. Bounded; the oldest names go first.
 */
const known = new Map<string, string>()
const KNOWN_MAX = 10_000
const key = (kind: DirectoryKind, id: string) => `${kind}:${id}`

function remember(kind: DirectoryKind, id: string, tenant: string): void {
  if (kind === 'topology') return
  const k = key(kind, id)
  if (known.has(k)) return
  if (known.size >= KNOWN_MAX) known.delete(known.keys().next().value as string)
  known.set(k, tenant)
}

/** The tenant `id` belongs to (asking the directory only on a cache miss); null when it does not exist. */
async function tenantOf(env: Env, kind: DirectoryKind, id: string): Promise<string | null> {
  const hit = known.get(key(kind, id))
  if (hit !== undefined) return hit
  const tenant = await directoryStub(env).tenantOf(id, kind)
  if (tenant !== null) remember(kind, id, tenant)
  return tenant
}

export const notFoundOf = (kind: DirectoryKind, id: string): ApiError => {
  switch (kind) {
    case 'holon':
      return holonNotFound(id)
    case 'topology':
      return new ApiError(
        'topology_not_found',
        `no stored topology '${id}'; create it with PUT /v1/topologies/${id}`,
      )
    case 'orchestrator':
      return new ApiError(
        'orchestrator_not_found',
        `no orchestrator '${id}'; create it with PUT /v1/orchestrators/${id}`,
      )
  }
}

/** Whether the credential's resource list names `kind:id` (or all of its tenant's). */
const covers = (who: Principal, kind: DirectoryKind, id: string): boolean =>
  who.res.includes('*') || who.res.includes(`${kind}:${id}`)

const outsideScope = (kind: DirectoryKind, id: string): ApiError =>
  new ApiError('forbidden', `this credential is not scoped to ${kind} '${id}'`)

/**
 * Checks `who` may touch the existing object `kind:id`: unknown, and another tenant's, answer the same 404 (an
 * object's existence is not revealed across tenants); one of the caller's tenant outside the credential's
 * resources answers 403. Anonymous callers (reads only, let through by requireRole) may read when no JWT keys
 * are configured; with JWTs in use they must present a credential. The role was checked by the route.
 */
export async function access(
  env: Env,
  kind: DirectoryKind,
  id: string,
  who: Principal | null,
): Promise<string> {
  const tenant = await tenantOf(env, kind, id)
  if (who == null && jwtEnabled(env))
    throw new ApiError('unauthorized', 'stored resources need a credential: Authorization: Bearer <token>')
  if (tenant === null) throw notFoundOf(kind, id)
  if (who == null || who.tenant === ROOT_TENANT) return tenant
  if (who.tenant !== tenant) throw notFoundOf(kind, id)
  if (!covers(who, kind, id)) throw outsideScope(kind, id)
  return tenant
}

/**
 * The tenant a create by `who` puts `kind:id` in: a tenant credential's own (naming another in `?tenant=` is
 * 403), a root credential's `?tenant=`, else the existing id's tenant, else `default`. An id another tenant holds
 * answers 404 to a tenant credential (ids are deployment-wide; see docs/tenancy.md) and 403 naming the holder to
 * root, which sees every tenant.
 */
export async function claim(
  env: Env,
  kind: DirectoryKind,
  id: string,
  who: Principal | null,
  requested: string | undefined,
): Promise<string> {
  if (who === null) throw new ApiError('unauthorized', 'creating needs a credential')
  const holder = await tenantOf(env, kind, id)
  let tenant: string
  // Root repeating a create of an existing id without ?tenant= keeps it where it is.
  if (who.tenant === ROOT_TENANT) tenant = requested ?? holder ?? 'default'
  else {
    if (requested !== undefined && requested !== who.tenant)
      throw new ApiError('forbidden', `this credential acts for tenant '${who.tenant}', not '${requested}'`)
    tenant = who.tenant
    if (!covers(who, kind, id)) throw outsideScope(kind, id)
  }
  if (holder !== null && holder !== tenant) {
    if (who.tenant !== ROOT_TENANT) throw notFoundOf(kind, id)
    throw new ApiError('forbidden', `${kind} '${id}' belongs to tenant '${holder}', not '${tenant}'`)
  }
  return tenant
}

/** Records an object a create route made (or found) for `tenant`: idempotent; a lost race is a 404. */
export async function register(env: Env, kind: DirectoryKind, id: string, tenant: string): Promise<void> {
  const r = await directoryStub(env).register(id, kind, tenant)
  if (r.tenant !== tenant) throw notFoundOf(kind, id)
  remember(kind, id, tenant)
}

/**
 * The holon object of an existing holon `who` may touch; an unknown id (or another tenant's) answers 404
 * holon_not_found without waking (and so without allocating storage for) an object. Holons created before the
 * directory existed are registered again by a repeated create (PUT /v1/holons/{id} with the same kernel), as
 * `npm start` does for its examples.
 */
export async function existingHolon(
  env: Env,
  id: string,
  who: Principal | null,
): Promise<ReturnType<typeof holonStub>> {
  await access(env, 'holon', id, who)
  return holonStub(env, id)
}

/** The holon object `who` may change, and who the ledger records as acting (see LedgerEntry.by). */
export async function actingOnHolon(
  env: Env,
  id: string,
  who: Principal | null,
): Promise<{ holon: ReturnType<typeof holonStub>; by: Actor }> {
  const tenant = await access(env, 'holon', id, who)
  return { holon: holonStub(env, id), by: actorFor(who, tenant) }
}

/** Which tenant's entries a listing shows: the credential's own; root's `?tenant=` or every tenant's. */
export function listedTenant(who: Principal | null, requested: string | undefined): string | null {
  if (who === null || who.tenant === ROOT_TENANT) return requested ?? null
  if (requested !== undefined && requested !== who.tenant)
    throw new ApiError('forbidden', `this credential acts for tenant '${who.tenant}', not '${requested}'`)
  return who.tenant
}

/** A page of `kind` the caller may see: its tenant's (root: all, or `?tenant=`), and of those its `res` list. */
async function page(
  env: Env,
  kind: DirectoryKind,
  who: Principal | null,
  q: { after?: string; limit: number; tenant?: string },
): Promise<{ entries: DirectoryEntry[]; next_after: string | null }> {
  if (who == null && jwtEnabled(env))
    throw new ApiError(
      'unauthorized',
      'listing stored resources needs a credential: Authorization: Bearer <token>',
    )
  const p = await directoryStub(env).list(q.after ?? '', q.limit, kind, listedTenant(who, q.tenant))
  if (who === null || who.res.includes('*')) return p
  return { entries: p.entries.filter((e) => covers(who, kind, e.id)), next_after: p.next_after }
}

export async function listHolons(
  env: Env,
  who: Principal | null,
  q: { after?: string; limit: number; tenant?: string },
): Promise<{ holons: DirectoryEntry[]; next_after: string | null }> {
  const p = await page(env, 'holon', who, q)
  return { holons: p.entries, next_after: p.next_after }
}

/** Whether a stored topology of that name exists (whoever's it is: for checks that then call `access`). */
export const topologyExists = async (env: Env, name: string): Promise<boolean> =>
  (await tenantOf(env, 'topology', name)) !== null

/** Forgets a deleted topology in the directory. */
export async function unregisterTopology(env: Env, name: string): Promise<void> {
  await directoryStub(env).unregister(name, 'topology')
}

/**
 * The object of an existing stored topology `who` may touch; an unknown name (or another tenant's) answers 404
 * topology_not_found without waking (and so without allocating storage for) an object. Topologies stored
 * before the directory knew them are registered again by repeating their PUT.
 */
export async function existingTopology(
  env: Env,
  name: string,
  who: Principal | null,
): Promise<ReturnType<typeof topologyStub>> {
  await access(env, 'topology', name, who)
  return topologyStub(env, name)
}

export async function listTopologies(
  env: Env,
  who: Principal | null,
  q: { after?: string; limit: number; tenant?: string },
): Promise<{ topologies: DirectoryEntry[]; next_after: string | null }> {
  const p = await page(env, 'topology', who, q)
  return { topologies: p.entries, next_after: p.next_after }
}

export async function listOrchestrators(
  env: Env,
  who: Principal | null,
  q: { after?: string; limit: number; tenant?: string },
): Promise<{ orchestrators: DirectoryEntry[]; next_after: string | null }> {
  const p = await page(env, 'orchestrator', who, q)
  return { orchestrators: p.entries, next_after: p.next_after }
}
