// /v1/holons/:id/kernel/proposals: MS-Beta invariants induced from history, filed as proposals an admin decides.
import { createRoute } from '@hono/zod-openapi'
import {
  InductionBody,
  OpenProposals,
  ProposalActivation,
  ProposalDecisionBody,
  ProposalFiling,
  ProposalParams,
  ProposalRejection,
} from '../../../schemas/lab-induction.ts'
import { requireRole } from '../auth.ts'
import { actingOnHolon, existingHolon } from '../directory-client.ts'
import { unwrap } from '../holon-client.ts'
import { bearerAuth, json, jsonBody, HolonParams as params, problems, router } from '../openapi.ts'

const tags = ['kernel lab']
const decisionProblems = problems(
  'validation_failed',
  'unauthorized',
  'forbidden',
  'holon_not_found',
  'proposal_not_found',
  'proposal_closed',
)

const propose = createRoute({
  method: 'post',
  path: '/v1/holons/{id}/kernel/proposals',
  tags,
  summary: 'Induce kernel proposals from the stored history and file them (write; never activates)',
  description:
    'Replays the last `max_events` committed events under the active kernel: for each invariant, the threshold that ' +
    'would have admitted `coverage` of past states (its quantile with a distribution-free order-statistics interval ' +
    'at `level`); and candidate invariants (stable ratios between aggregates, bounded aggregates). Each is simulated ' +
    'by replaying the history with the kernel plus that change (how many past events it would have refused, which ' +
    'first) and filed as a `kernel.proposed` ledger entry with its own kernel version, status `proposed`. The active ' +
    'kernel is never changed: only an admin activates a proposal. Work is bounded by the `induction_steps` budget (422).',
  security: bearerAuth,
  middleware: [requireRole('write')] as const,
  request: { params, body: jsonBody(InductionBody) },
  responses: {
    201: json(ProposalFiling, 'the proposals, with versions and ledger indices'),
    ...problems('validation_failed', 'unauthorized', 'forbidden', 'holon_not_found', 'budget_exceeded'),
  },
})

const list = createRoute({
  method: 'get',
  path: '/v1/holons/{id}/kernel/proposals',
  tags,
  summary: 'The open (undecided) induced kernel proposals with their evidence',
  security: [{}, ...bearerAuth],
  middleware: [requireRole('read')] as const,
  request: { params },
  responses: {
    200: json(OpenProposals, 'open proposals, oldest first'),
    ...problems('validation_failed', 'unauthorized', 'forbidden', 'holon_not_found'),
  },
})

const activate = createRoute({
  method: 'post',
  path: '/v1/holons/{id}/kernel/proposals/{version}/activate',
  tags,
  summary: 'Activate an induced proposal (admin: a governance change)',
  description:
    'Through the kernel install path: the proposal becomes the pending kernel under its own version (no second ' +
    '`kernel.proposed` entry), changed aggregates are refolded from history and `kernel.activated` follows. The ' +
    'reason is ledgered as `kernel.decided`. A proposal induced under an older kernel is refused (409).',
  security: bearerAuth,
  middleware: [requireRole('admin')] as const,
  request: { params: ProposalParams, body: jsonBody(ProposalDecisionBody) },
  responses: {
    200: json(ProposalActivation, 'active'),
    202: json(ProposalActivation, 'accepted; rebuilding aggregates from history'),
    ...decisionProblems,
  },
})

const reject = createRoute({
  method: 'post',
  path: '/v1/holons/{id}/kernel/proposals/{version}/reject',
  tags,
  summary:
    'Reject an induced proposal (admin): it is marked abandoned, the reason ledgered as `kernel.decided`',
  security: bearerAuth,
  middleware: [requireRole('admin')] as const,
  request: { params: ProposalParams, body: jsonBody(ProposalDecisionBody) },
  responses: { 200: json(ProposalRejection, 'abandoned'), ...decisionProblems },
})

export const labInduction = router()
  .openapi(propose, async (c) => {
    const { id } = c.req.valid('param')
    const { holon, by } = await actingOnHolon(c.env, id, c.get('who'))
    return c.json(unwrap(id, await holon.proposeKernels(c.req.valid('json'), by)), 201)
  })
  .openapi(list, async (c) => {
    const { id } = c.req.valid('param')
    return c.json(unwrap(id, await (await existingHolon(c.env, id, c.get('who'))).kernelProposals()), 200)
  })
  .openapi(activate, async (c) => {
    const { id, version } = c.req.valid('param')
    const { holon, by } = await actingOnHolon(c.env, id, c.get('who'))
    const r = unwrap(id, await holon.activateProposal(version, c.req.valid('json').reason, by))
    return c.json(r, r.status === 'rebuilding' ? 202 : 200)
  })
  .openapi(reject, async (c) => {
    const { id, version } = c.req.valid('param')
    const { holon, by } = await actingOnHolon(c.env, id, c.get('who'))
    return c.json(unwrap(id, await holon.rejectProposal(version, c.req.valid('json').reason, by)), 200)
  })
