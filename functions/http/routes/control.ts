// POST /v1/mpc, /v1/mdp: stateless replica-count MPC and failover MDP (pay per request, nothing stored).
import { createRoute } from '@hono/zod-openapi'
import { MdpRequest, MdpResult, MpcRequest, MpcResult } from '../../../schemas/control.ts'
import {
  checkTransitions,
  DEFAULT_DISCOUNT,
  learnTransitions,
  MdpError,
  mdpBudget,
  solveFailover,
} from '../../mdp/index.ts'
import { MpcError, mpcBudget, solveMpc } from '../../mpc/index.ts'
import { json, jsonBody, problems, router } from '../openapi.ts'
import { ApiError } from '../problems.ts'

const bodyProblems = [
  'validation_failed',
  'malformed_json',
  'payload_too_large',
  'unsupported_media_type',
] as const

const mpcRoute = createRoute({
  method: 'post',
  path: '/v1/mpc',
  tags: ['mom'],
  summary: "Model-predictive control of one workload's replica count over a forecast horizon",
  description:
    'min over integer u_1..u_H of sum_t [replica_cost u_t + sla_penalty shortfall_t + lambda (u_t - u_{t-1})^2] ' +
    'within min and min(max, capacity_max), keeping the cooldown; shortfall 0 is a hard constraint whenever some ' +
    'plan reaches it (otherwise minimised, `sla_feasible: false` with the steps). Solved exactly by dynamic ' +
    'programming; apply `next` now and re-solve next tick. Work: H R (R + cooldown) candidate evaluations ' +
    '(R admissible counts), a 422 `budget_exceeded` (mpc_steps) past the budget. See docs/control.md.',
  request: { body: jsonBody(MpcRequest) },
  responses: {
    200: json(MpcResult, 'the plan'),
    ...problems(...bodyProblems, 'mpc_invalid', 'budget_exceeded'),
  },
})

const mdpRoute = createRoute({
  method: 'post',
  path: '/v1/mdp',
  tags: ['mom'],
  summary: 'Failover policy (stay, migrate, add_replica) per node health, by value iteration',
  description:
    'A Markov decision process over (health of the node hosting a replica, takeover replica in place), with ' +
    'transitions learned from `history` (counts plus a Dirichlet prior) or given as `transitions`, costs of ' +
    'downtime, degraded service, migration and replica-steps, shaped by the failover strategy. Value iteration ' +
    'stops at an epsilon-optimal policy (Puterman 1994, Theorem 6.3.1); a 422 `budget_exceeded` (mdp_steps) ' +
    'when the discount makes it too long. See docs/control.md.',
  request: { body: jsonBody(MdpRequest) },
  responses: {
    200: json(MdpResult, 'the policy'),
    ...problems(...bodyProblems, 'mdp_invalid', 'budget_exceeded'),
  },
})

/** The core's refusals as 400 problems pointing into the body. */
function refusal(e: unknown): unknown {
  if (e instanceof MpcError)
    return new ApiError('mpc_invalid', e.message, { errors: [{ pointer: e.pointer, message: e.message }] })
  if (e instanceof MdpError)
    return new ApiError('mdp_invalid', e.message, { errors: [{ pointer: e.pointer, message: e.message }] })
  return e
}

export const control = router()
  .openapi(mpcRoute, (c) => {
    const body = c.req.valid('json')
    try {
      return c.json(solveMpc(body, mpcBudget()), 200)
    } catch (e) {
      throw refusal(e)
    }
  })
  .openapi(mdpRoute, (c) => {
    const { history, prior, transitions: given, ...rest } = c.req.valid('json')
    try {
      const transitions = given ? checkTransitions(given) : learnTransitions(history ?? [], prior ?? 1)
      const policy = solveFailover({ ...rest, transitions }, mdpBudget())
      return c.json(
        { ...policy, transitions, strategy: rest.strategy, discount: rest.discount ?? DEFAULT_DISCOUNT },
        200,
      )
    } catch (e) {
      throw refusal(e)
    }
  })
