// Kernels shared by tests: the contract kernel, written exactly as the issue gives it.

import { compileKernel } from '../../functions/kernel/index.ts'
import type { KernelInput } from '../../schemas/kernel.ts'
import { KernelSpec } from '../../schemas/kernel.ts'

export const contractKernel: KernelInput = {
  id: 'circular-economy',
  aggregates: {
    contributed: { fold: 'sum', expr: 'event.contributed' },
    returned: { fold: 'sum', expr: 'event.returned' },
    events: { fold: 'count' },
    traced: { fold: 'count', where: 'has(event.trace_id)' },
  },
  invariants: {
    Non_Spoliation: {
      score: 'agg.contributed == 0.0 ? 1.0 : min(1.0, agg.returned / agg.contributed)',
      threshold: 0.94,
    },
    Traceability: { score: 'agg.events == 0.0 ? 1.0 : agg.traced / agg.events', threshold: 1.0, weight: 2.0 },
  },
  gate: { on_torsion: 'reject', admit_improving: true },
}

/** Parses (applying defaults) and compiles a kernel. */
export const compile = (k: KernelInput) => compileKernel(KernelSpec.parse(k))

/** A one-invariant kernel scoring `score` over an aggregate-free state. */
export const single = (score: string, threshold = 0.5, extra: Partial<KernelInput> = {}) =>
  compile({ id: 't', invariants: { I: { score, threshold } }, ...extra })
