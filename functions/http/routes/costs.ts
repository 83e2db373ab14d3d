// GET /v1/tenants/{tenant}/costs: a tenant's bill folded from its resources' ledger entries (functions/billing);
// GET /v1/orchestrators/{id}/ledger/export: the orchestrator ledger as JSONL, for the offline `verify bill`.
import { createRoute, z } from '@hono/zod-openapi'
import type { OrchestratorObject } from '../../../durable-objects/orchestrator/orchestrator-object.ts'
import { Bill, CostsQuery, TenantParams } from '../../../schemas/billing.ts'
import { ExportQuery, type LedgerPage } from '../../../schemas/ledger.ts'
import { OrchestratorParams } from '../../../schemas/orchestrator.ts'
import {
  BillRangeError,
  type BillSource,
  billOf,
  type LedgerEntryWithHashes,
  parsePrices,
} from '../../billing/index.ts'
import { StepBudget } from '../../budget/index.ts'
import { jwtEnabled, type Principal, ROOT_TENANT, requireRole } from '../auth.ts'
import { existingHolon, listHolons, listOrchestrators } from '../directory-client.ts'
import { unwrap as unwrapHolon } from '../holon-client.ts'
import { bearerAuth, json, problems, router } from '../openapi.ts'
import { existingOrchestrator, orchestratorStub, unwrapOrchestrator } from '../orchestrator-client.ts'
import { ApiError } from '../problems.ts'

/** Most ledger entries one cost report reads, over all its resources. */
export const BILL_MAX_ENTRIES = 50_000
/** Entries the fold reads per CPU millisecond (with the RPC pages around it), measured: docs/billing.md. */
export const BILL_ENTRIES_PER_MS = 20
const PAGE = 1000

type BillRpc = Pick<OrchestratorObject, 'billEntries' | 'exportLedger'>
const billStub = (env: Env, id: string) => orchestratorStub(env, id) as unknown as BillRpc

const reader = { security: [{}, ...bearerAuth], middleware: [requireRole('read')] }

const costs = createRoute({
  ...reader,
  tags: ['billing'],
  method: 'get',
  path: '/v1/tenants/{tenant}/costs',
  summary: "A tenant's bill over a period, folded from the ledger entries of its resources",
  description:
    'Replica-hours, auction payments and Shapley shares from the orchestrators (their decision and tick entries ' +
    'record allocation), commits from the holons the tenant owns; every line lists the ledger entries it came ' +
    'from. Prices: the `OMEGA_PRICES` deployment variable. At most `OMEGA_BILL_MAX_ENTRIES` ' +
    `(default ${BILL_MAX_ENTRIES}) entries are read (422 budget_exceeded naming bill_entries beyond). Recompute it offline ` +
    'from ledger exports: `npm run verify -- bill` (docs/billing.md).',
  request: { params: TenantParams, query: CostsQuery },
  responses: {
    200: json(Bill, 'the bill'),
    ...problems(
      'validation_failed',
      'unauthorized',
      'forbidden',
      'orchestrator_not_found',
      'holon_not_found',
      'budget_exceeded',
    ),
  },
})

const exporter = createRoute({
  ...reader,
  tags: ['orchestrator'],
  method: 'get',
  path: '/v1/orchestrators/{id}/ledger/export',
  summary: "The orchestrator's ledger as JSONL, streamed: a header line, then one canonical entry per line",
  description:
    'Same format as a holon export: verifiable alone (`npm run verify`), and the input of `npm run verify -- bill`.',
  request: {
    params: OrchestratorParams.extend({
      id: OrchestratorParams.shape.id.openapi({ param: { name: 'id', in: 'path' }, example: 'fleet-eu' }),
    }),
    query: ExportQuery,
  },
  responses: {
    200: { description: 'JSONL', content: { 'application/x-ndjson': { schema: z.string() } } },
    ...problems('validation_failed', 'unauthorized', 'forbidden', 'orchestrator_not_found'),
  },
})

/** The entries a report may read (`OMEGA_BILL_MAX_ENTRIES`, default BILL_MAX_ENTRIES), as an item budget. */
function entryBudget(env: Env): StepBudget {
  const n = Number(env.OMEGA_BILL_MAX_ENTRIES || BILL_MAX_ENTRIES)
  const limit = Number.isSafeInteger(n) && n > 0 ? n : BILL_MAX_ENTRIES
  return new StepBudget('bill_entries', limit, Math.ceil(limit / BILL_ENTRIES_PER_MS), {
    unit: 'items',
    detail: `a cost report reads at most ${limit} ledger entries; narrow it with ?to=, ?orchestrators= or ?holons=`,
  })
}

/**
 * An orchestrator's entries from the start up to and including the first one at or after `to` (it closes the
 * last interval; later ones change nothing in [from, to)).
 */
async function orchestratorEntries(
  env: Env,
  id: string,
  who: Principal | null,
  toMs: number,
  budget: StepBudget,
): Promise<BillSource> {
  await existingOrchestrator(env, id, who)
  const stub = billStub(env, id)
  const entries: LedgerEntryWithHashes[] = []
  let from: number | null = 0
  while (from !== null) {
    const page: { entries: LedgerEntryWithHashes[]; next: number | null } = unwrapOrchestrator(
      id,
      await stub.billEntries(from, PAGE),
    )
    budget.spend(page.entries.length)
    let done = false
    for (const e of page.entries) {
      entries.push(e)
      if (Date.parse(e.entry.at) >= toMs) {
        done = true
        break
      }
    }
    from = done ? null : page.next
  }
  return { resource: { kind: 'orchestrator', id }, entries }
}

async function holonEntries(
  env: Env,
  id: string,
  who: Principal | null,
  toMs: number,
  budget: StepBudget,
): Promise<BillSource> {
  const holon = await existingHolon(env, id, who)
  const entries: LedgerEntryWithHashes[] = []
  let cursor: number | null = 0
  while (cursor !== null) {
    const page: LedgerPage = unwrapHolon(id, await holon.ledgerPage(cursor, PAGE))
    budget.spend(page.entries.length)
    let done = false
    for (const e of page.entries) {
      if (Date.parse(e.entry.at) >= toMs) {
        done = true
        break
      }
      entries.push({ index: e.index, entry: e.entry, entry_hash: e.entry_hash })
    }
    cursor = done || page.next_cursor === null ? null : Number(page.next_cursor)
  }
  return { resource: { kind: 'holon', id }, entries }
}

/**
 * The report's own reading rights: every orchestrator (a shared fleet's owner runs workloads for other tenants;
 * only the asking tenant's part of each allocation is folded) and the asking tenant's holons.
 */
const SCAN: Principal = { tenant: ROOT_TENANT, role: 'read', bridge: false, res: ['*'], kid: 'system' }

async function allIds(
  list: (after: string) => Promise<{ ids: string[]; next_after: string | null }>,
): Promise<string[]> {
  const ids: string[] = []
  let after = ''
  for (;;) {
    const p = await list(after)
    ids.push(...p.ids)
    if (p.next_after === null) return ids
    after = p.next_after
  }
}

const allOrchestrators = (env: Env) =>
  allIds(async (after) => {
    const p = await listOrchestrators(env, SCAN, { after, limit: 1000 })
    return { ids: p.orchestrators.map((o) => o.id), next_after: p.next_after }
  })

const holonsOf = (env: Env, tenant: string) =>
  allIds(async (after) => {
    const p = await listHolons(env, SCAN, { after, limit: 1000, tenant })
    return { ids: p.holons.map((h) => h.id), next_after: p.next_after }
  })

/** A tenant's bill is for its own credentials (or the operator's); anonymous only where no JWTs are in use. */
function mayBill(env: Env, who: Principal | null, tenant: string): void {
  if (who === null && jwtEnabled(env))
    throw new ApiError('unauthorized', 'a cost report needs a credential: Authorization: Bearer <token>')
  if (who !== null && who.tenant !== ROOT_TENANT && who.tenant !== tenant)
    throw new ApiError('forbidden', `this credential acts for tenant '${who.tenant}', not '${tenant}'`)
}

export const billing = router()
  .openapi(costs, async (c) => {
    const { tenant } = c.req.valid('param')
    const q = c.req.valid('query')
    const who = c.get('who')
    mayBill(c.env, who, tenant)
    let prices: ReturnType<typeof parsePrices>
    try {
      prices = parsePrices(c.env.OMEGA_PRICES)
    } catch (e) {
      // a deployment misconfiguration, not the caller's: said plainly rather than as a bad request
      throw new ApiError('internal', `the deployment's OMEGA_PRICES is invalid: ${(e as Error).message}`)
    }
    const now = Date.now()
    const toMs = Math.min(q.to ? Date.parse(q.to) : now, now)
    const fromMs = Date.parse(q.from)
    if (fromMs > toMs)
      throw new ApiError('validation_failed', '`from` is after `to` (or after now)', {
        errors: [{ pointer: '/from', message: 'after the end of the period' }],
      })
    const budget = entryBudget(c.env)
    const sources: BillSource[] = []
    for (const id of q.orchestrators ?? (await allOrchestrators(c.env)))
      sources.push(await orchestratorEntries(c.env, id, q.orchestrators ? who : SCAN, toMs, budget))
    for (const id of q.holons ?? (await holonsOf(c.env, tenant)))
      sources.push(await holonEntries(c.env, id, q.holons ? who : SCAN, toMs, budget))
    try {
      const range = { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() }
      return c.json(billOf(tenant, sources, range, prices), 200)
    } catch (e) {
      if (e instanceof BillRangeError) throw new ApiError('validation_failed', e.message)
      throw e
    }
  })
  .openapi(exporter, async (c) => {
    const { id } = c.req.valid('param')
    const q = c.req.valid('query')
    await existingOrchestrator(c.env, id, c.get('who'))
    const stream = unwrapOrchestrator(id, await billStub(c.env, id).exportLedger(q.from, q.to))
    const headers = {
      'content-type': 'application/x-ndjson',
      'content-disposition': `attachment; filename="${id}.ledger.jsonl"`,
    }
    return c.body(stream, 200, headers) as never // a stream has no typed (JSON or text) response shape
  })
