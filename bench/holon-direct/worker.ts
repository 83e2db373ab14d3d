// The holon object alone: a worker in the same runtime calls HolonObject.commit by RPC with events it generates
// itself (no HTTP, JSON body, zod, auth or Hono in front), so workerd's CPU per batch is the object's own.
// Run with the main wrangler.toml and this file as the entry: `wrangler dev bench/holon-direct/worker.ts`.

import { KernelSpec } from '../../schemas/kernel.ts'
import { FULL_AUDIT } from '../../schemas/ledger.ts'
import { benchKernel, events, take } from '../workload.ts'

export { DirectoryObject } from '../../durable-objects/directory/directory-object.ts'
export { FederationObject } from '../../durable-objects/federation/federation-object.ts'
export { HolonObject } from '../../durable-objects/holon/holon-object.ts'
export { OrchestratorObject } from '../../durable-objects/orchestrator/orchestrator-object.ts'
export { TopologyObject } from '../../durable-objects/topology/topology-object.ts'

const by = { tenant: 'default', kid: 'root:write' }
let stream = events('d', 5)

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url)
    if (request.method === 'GET') return new Response('holon-direct bench')
    const holon = env.HOLON.getByName('bench')
    if (url.pathname === '/create') {
      stream = events('d', 5)
      const r = await holon.create('bench', KernelSpec.parse(benchKernel), FULL_AUDIT, by)
      return Response.json(r, { status: r.ok ? 201 : 400 })
    }
    const batches = Number(url.searchParams.get('batches') ?? 10)
    const size = Number(url.searchParams.get('size') ?? 100)
    const minimal = url.searchParams.get('minimal') === '1'
    let bytes = 0
    for (let i = 0; i < batches; i++) {
      const r = await holon.commit(take(stream, size) as never, { override: null, minimal, by })
      if (!r.ok) return Response.json(r, { status: 500 })
      bytes += r.value.json.length
    }
    return Response.json({ batches, size, bytes })
  },
}
