// /v1/holons/:id/ledger/*: entries, signed checkpoints, inclusion and consistency proofs, streamed export.
import { createRoute, z } from '@hono/zod-openapi'
import {
  CheckpointDoc,
  CheckpointQuery,
  ConsistencyDoc,
  ConsistencyQuery,
  EntryIndexParam,
  ExportQuery,
  InclusionDoc,
  InclusionQuery,
  LedgerPage,
  LedgerQuery,
  Receipt,
} from '../../../schemas/ledger.ts'
import { requireRole } from '../auth.ts'
import { existingHolon } from '../directory-client.ts'
import { unwrap } from '../holon-client.ts'
import { bearerAuth, json, HolonParams as params, problems, router } from '../openapi.ts'

const reader = { tags: ['ledger'], security: [{}, ...bearerAuth], middleware: [requireRole('read')] }
const failures = problems('validation_failed', 'unauthorized', 'forbidden', 'holon_not_found')

const page = createRoute({
  ...reader,
  method: 'get',
  path: '/v1/holons/{id}/ledger',
  summary: 'Ledger entries with their hashes, oldest first, paged',
  request: { params, query: LedgerQuery },
  responses: { 200: json(LedgerPage, 'a page of entries'), ...failures },
})

const checkpoint = createRoute({
  ...reader,
  method: 'get',
  path: '/v1/holons/{id}/ledger/checkpoint',
  summary: 'The signed checkpoint (C2SP tlog-checkpoint note) of the ledger, or of an earlier size',
  description:
    '`format=note` answers the signed note alone as text/plain, as transparency-log tooling reads it.',
  request: { params, query: CheckpointQuery },
  responses: {
    200: {
      description: 'the checkpoint',
      content: { 'application/json': { schema: CheckpointDoc }, 'text/plain': { schema: z.string() } },
    },
    ...failures,
  },
})

const inclusion = createRoute({
  ...reader,
  method: 'get',
  path: '/v1/holons/{id}/ledger/proof/inclusion',
  summary: 'Inclusion proof of entry `index` in the tree of `size` entries (default: the current size)',
  request: { params, query: InclusionQuery },
  responses: { 200: json(InclusionDoc, 'the proof and the root it leads to'), ...failures },
})

const receipt = createRoute({
  ...reader,
  method: 'get',
  path: '/v1/holons/{id}/ledger/receipts/{index}',
  summary: 'The receipt of entry `index` against the latest signed checkpoint',
  description:
    'The same receipt a commit answers (the entry, its hashes, the signed checkpoint and the inclusion proof), ' +
    'for any entry: how a writer that committed with `Prefer: return=minimal` gets receipts later. Verify it ' +
    'with `POST /v1/verify` (kind `receipt`). An index beyond the ledger answers 400.',
  request: { params: params.extend(EntryIndexParam.shape) },
  responses: { 200: json(Receipt, 'the receipt'), ...failures },
})

const consistency = createRoute({
  ...reader,
  method: 'get',
  path: '/v1/holons/{id}/ledger/proof/consistency',
  summary: 'Consistency proof from size `from` to size `to` (default: the current size)',
  request: { params, query: ConsistencyQuery },
  responses: { 200: json(ConsistencyDoc, 'the proof and both roots'), ...failures },
})

const exporter = createRoute({
  ...reader,
  method: 'get',
  path: '/v1/holons/{id}/ledger/export',
  summary: 'The ledger as JSONL, streamed: a header line, then one canonical entry per line',
  description:
    'The header carries the signed checkpoint of size `to` and the perfect-subtree hashes before `from`, so any ' +
    'chunk can be verified alone (`POST /v1/verify` with kind `export`, or `npm run verify`).',
  request: { params, query: ExportQuery },
  responses: {
    200: { description: 'JSONL', content: { 'application/x-ndjson': { schema: z.string() } } },
    ...failures,
  },
})

export const ledger = router()
  .openapi(page, async (c) => {
    const { id } = c.req.valid('param')
    const q = c.req.valid('query')
    return c.json(
      unwrap(id, await (await existingHolon(c.env, id, c.get('who'))).ledgerPage(q.cursor ?? 0, q.limit)),
      200,
    )
  })
  .openapi(checkpoint, async (c) => {
    const { id } = c.req.valid('param')
    const q = c.req.valid('query')
    const doc = unwrap(id, await (await existingHolon(c.env, id, c.get('who'))).checkpoint(q.size))
    if (q.format === 'note') return c.text(doc.note, 200)
    return c.json(doc, 200)
  })
  .openapi(inclusion, async (c) => {
    const { id } = c.req.valid('param')
    const q = c.req.valid('query')
    return c.json(
      unwrap(id, await (await existingHolon(c.env, id, c.get('who'))).inclusion(q.index, q.size)),
      200,
    )
  })
  .openapi(receipt, async (c) => {
    const { id, index } = c.req.valid('param')
    return c.json(unwrap(id, await (await existingHolon(c.env, id, c.get('who'))).receipt(index)), 200)
  })
  .openapi(consistency, async (c) => {
    const { id } = c.req.valid('param')
    const q = c.req.valid('query')
    return c.json(
      unwrap(id, await (await existingHolon(c.env, id, c.get('who'))).consistency(q.from, q.to)),
      200,
    )
  })
  .openapi(exporter, async (c) => {
    const { id } = c.req.valid('param')
    const q = c.req.valid('query')
    const stream = unwrap(id, await (await existingHolon(c.env, id, c.get('who'))).exportLedger(q.from, q.to))
    const headers = {
      'content-type': 'application/x-ndjson',
      'content-disposition': `attachment; filename="${id}.ledger.jsonl"`,
    }
    return c.body(stream, 200, headers) as never // a stream has no typed (JSON or text) response shape
  })
