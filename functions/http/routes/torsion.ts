// POST /v1/torsion: the stateless gate; a kernel, an optional history and one proposed event.
import { createRoute } from '@hono/zod-openapi'
import { GateResult, TorsionRequest } from '../../../schemas/evaluation.ts'
import type { KernelSpec } from '../../../schemas/kernel.ts'
import {
  type CompiledKernel,
  checkKernelSource,
  compileKernel,
  expressionBudget,
  gateBatch,
  initialAggregates,
  KERNEL_SOURCE_CHARS,
  kernelDigest,
  step,
} from '../../kernel/index.ts'
import { json, jsonBody, problems, router } from '../openapi.ts'

const route = createRoute({
  method: 'post',
  path: '/v1/torsion',
  tags: ['gate'],
  summary: 'Evaluate the torsion of a proposed event (stores nothing)',
  description:
    "Folds `history` into the kernel's aggregates, then scores the state after `event`: " +
    "`torsion = sum w_i * max(0, threshold_i - score_i)^2`. The verdict applies the kernel's gate policy without override. " +
    'All expression evaluations of one request share one step budget (docs/kernel.md); exhausting it is a 422 `budget_exceeded`.',
  request: { body: jsonBody(TorsionRequest) },
  responses: {
    200: json(GateResult, 'the state after the event and the gate verdict'),
    ...problems(
      'budget_exceeded',
      'validation_failed',
      'malformed_json',
      'kernel_invalid',
      'payload_too_large',
      'unsupported_media_type',
    ),
  },
})

/**
 * Compiled kernels by digest: callers resend the same kernel with every request. Bounded by the expression
 * source the entries hold (a compiled kernel's heap grows with it), oldest first.
 */
const cache = new Map<string, { kernel: CompiledKernel; chars: number }>()
const CACHE_SOURCE_CHARS = 4 * KERNEL_SOURCE_CHARS
let cachedChars = 0

function compiledFor(spec: KernelSpec): CompiledKernel {
  const digest = kernelDigest(spec)
  let hit = cache.get(digest)
  if (hit) {
    cache.delete(digest)
  } else {
    const chars = checkKernelSource(spec)
    hit = { kernel: compileKernel(spec), chars }
    for (const [key, old] of cache) {
      if (cachedChars + chars <= CACHE_SOURCE_CHARS) break
      cache.delete(key)
      cachedChars -= old.chars
    }
    cachedChars += chars
  }
  cache.set(digest, hit)
  return hit.kernel
}

export const torsion = router().openapi(route, (c) => {
  const { kernel, history, event } = c.req.valid('json')
  const k = compiledFor(kernel)
  // One budget for the whole request: folding the history and gating the event spend from it.
  const budget = expressionBudget()
  let states = initialAggregates(k)
  for (const e of history) states = step(k, states, e, budget).states
  const out = gateBatch(k, states, [event], { last: history.at(-1), budget })
  return c.json(out.results[0] as GateResult, 200)
})
