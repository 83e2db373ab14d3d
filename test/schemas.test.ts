// One source of truth: the JSON Schema files and the OpenAPI document are generated from the zod schemas.
import { describe, expect, it } from 'vitest'
import { jsonSchemaOf, PUBLISHED, type PublishedName } from '../schemas/index.ts'
import { call } from './support/http.ts'

const files = import.meta.glob<Record<string, unknown>>('../schemas/*.schema.json', {
  eager: true,
  import: 'default',
})

describe('published JSON Schemas', () => {
  it('exist for every published schema and match the source (run `npm run schemas` after a change)', () => {
    const names = Object.keys(PUBLISHED) as PublishedName[]
    expect(Object.keys(files).sort()).toEqual(names.map((n) => `../schemas/${n}.schema.json`).sort())
    for (const name of names)
      expect(files[`../schemas/${name}.schema.json`], name).toEqual(jsonSchemaOf(name))
  })
})

describe('OpenAPI', () => {
  it('serves an OpenAPI 3.1 document covering every route, with the same schemas', async () => {
    const r = await call('GET', '/openapi.json')
    expect(r.status).toBe(200)
    expect(r.body.openapi).toBe('3.1.0')
    expect(Object.keys(r.body.paths).sort()).toEqual(
      [
        '/v1/holons',
        '/v1/holons/{id}',
        '/v1/holons/{id}/evaluate',
        '/v1/holons/{id}/events',
        '/v1/holons/{id}/kernel',
        '/v1/holons/{id}/kernel/proposals',
        '/v1/holons/{id}/kernel/proposals/{version}/activate',
        '/v1/holons/{id}/kernel/proposals/{version}/reject',
        '/v1/holons/{id}/state',
        '/v1/holons/{id}/live',
        '/v1/holons/{id}/ledger',
        '/v1/holons/{id}/ledger/checkpoint',
        '/v1/holons/{id}/ledger/proof/inclusion',
        '/v1/holons/{id}/ledger/receipts/{index}',
        '/v1/holons/{id}/ledger/proof/consistency',
        '/v1/holons/{id}/ledger/export',
        '/v1/holons/{id}/pulse',
        '/v1/holons/{id}/temporal',
        '/v1/holons/{id}/witness',
        '/v1/torsion',
        '/v1/verify',
        '/v1/holons/{id}/artifact',
        '/v1/holons/{id}/compatibility',
        '/v1/federation/peers',
        '/v1/federation/artifacts',
        '/v1/federation/outbox',
        '/v1/federation/inbox',
        '/v1/federation/cosignatures',
        '/v1/federation/flags',
        '/v1/federation/alerts',
        '/v1/federation/presence',
        '/v1/federation/pulses',
        '/v1/federation/phases',
        '/v1/holons/{id}/ledger/cosignatures',
        '/v1/holons/{id}/lab/cause',
        '/v1/holons/{id}/lab/counterfactual',
        '/v1/holons/{id}/rollback',
        '/v1/route',
        '/v1/embed',
        '/v1/consensus',
        '/v1/spawn',
        '/v1/migrate',
        '/v1/terminate',
        '/v1/topologies/{name}',
        '/v1/topologies/{name}/nodes',
        '/v1/topologies/{name}/embed',
        '/v1/topologies',
        '/v1/topologies/{name}/embedding',
        '/v1/orchestrators',
        '/v1/orchestrators/{id}',
        '/v1/orchestrators/{id}/approve',
        '/v1/orchestrators/{id}/decisions',
        '/v1/orchestrators/{id}/forecast/{workload}',
        '/v1/orchestrators/{id}/metrics',
        '/v1/orchestrators/{id}/nodes',
        '/v1/orchestrators/{id}/placements',
        '/v1/orchestrators/{id}/plan',
        '/v1/orchestrators/{id}/replay',
        '/v1/orchestrators/{id}/tick',
        '/v1/orchestrators/{id}/ticks/{tick}/inputs',
        '/v1/orchestrators/{id}/workloads',
        '/v1/orchestrators/{id}/ledger/export',
        '/v1/tenants/{tenant}/costs',
        '/v1/forecast',
        '/v1/mpc',
        '/v1/mdp',
        '/v1/pareto',
        '/v1/markets/shapley',
        '/v1/markets/equilibrium',
        '/v1/markets/auction',
        '/v1/tenants/{tenant}/credentials',
        '/v1/lab/stress',
        '/v1/holons/{id}/lab/stress',
        '/v1/lab/anomalies',
        '/v1/holons/{id}/lab/anomalies',
        '/v1/holons/{id}/attestations',
        '/v1/holons/{id}/attestations/{index}/opening',
        '/v1/orchestrators/{id}/attestations',
        '/v1/orchestrators/{id}/attestations/{index}/opening',
      ].sort(),
    )
    const kernel = r.body.components.schemas.KernelSpec
    expect(Object.keys(kernel.properties).sort()).toEqual(
      Object.keys((files['../schemas/kernel.schema.json'] as any).properties).sort(),
    )
    expect(r.body.paths['/v1/holons/{id}/events'].post.responses['409']).toBeDefined()
    expect(r.body.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' })
  })

  it('renders a readable reference page', async () => {
    const { exports } = await import('cloudflare:workers')
    const res = await exports.default.fetch('https://omega.test/docs/plain')
    const html = await res.text()
    expect(res.headers.get('content-type')).toMatch(/text\/html/)
    expect(html).toContain('/v1/holons/{id}/events')
    expect(html).toContain('inadmissible')
  })
})
