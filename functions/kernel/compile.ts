// Compiles a kernel spec once per version: every expression parsed and type-checked up front.

import {
  type AggregateSpec,
  type GatePolicy,
  type InvariantSpec,
  type KernelSpec,
  reservedName,
} from '../../schemas/kernel.ts'
import { contentDigest } from '../canonical/index.ts'
import { KernelCompileError, type KernelIssue } from './errors.ts'
import { type CompiledExpr, type CompileOptions, compileExpr } from './expr.ts'

interface CompiledAggregate {
  name: string
  spec: AggregateSpec
  /** Digest of the definition: a changed digest means the aggregate must be rebuilt from history. */
  digest: string
  expr?: CompiledExpr
  where?: CompiledExpr
}

interface CompiledInvariant {
  name: string
  spec: InvariantSpec
  score: CompiledExpr
}

export interface CompiledKernel {
  spec: KernelSpec
  digest: string
  dimensions: string[]
  aggregates: CompiledAggregate[]
  invariants: CompiledInvariant[]
  gate: GatePolicy
}

const pointerPart = (s: string) => s.replaceAll('~', '~0').replaceAll('/', '~1')

/** Canonical digest of a kernel; the dimension order is part of it (JCS would otherwise sort it away). */
export const kernelDigest = (spec: KernelSpec): string =>
  contentDigest({ dimensions: Object.keys(spec.invariants), kernel: spec })

export interface KernelCompileOptions {
  /**
   * A kernel stored before (holon history, ledger replay): admission rules added since (reserved names, the
   * static cost bound) must not make an existing holon unloadable; the run-time budget still applies.
   */
  stored?: boolean
}

export function compileKernel(
  spec: KernelSpec,
  { stored = false }: KernelCompileOptions = {},
): CompiledKernel {
  const issues: KernelIssue[] = []
  const compile = (source: string, pointer: string, opts: CompileOptions): CompiledExpr => {
    const r = compileExpr(source, { ...opts, admitted: stored })
    if (r.ok) return r.expr
    issues.push({ pointer, ...r.problem })
    return () => undefined
  }
  // The schema refuses these names; a spec that did not pass through it is checked here too.
  if (!stored) {
    for (const [part, names] of [
      ['aggregates', Object.keys(spec.aggregates)],
      ['invariants', Object.keys(spec.invariants)],
    ] as const) {
      for (const name of names.filter(reservedName))
        issues.push({
          pointer: `/${part}/${pointerPart(name)}`,
          message: `'${name}' is a JavaScript object internal`,
        })
    }
  }
  const aggregates = Object.entries(spec.aggregates).map(([name, a]): CompiledAggregate => {
    const at = `/aggregates/${pointerPart(name)}`
    return {
      name,
      spec: a,
      digest: contentDigest(a),
      expr: 'expr' in a ? compile(a.expr, `${at}/expr`, { scope: 'event', result: 'number' }) : undefined,
      where:
        a.where === undefined
          ? undefined
          : compile(a.where, `${at}/where`, { scope: 'event', result: 'bool' }),
    }
  })
  const known = new Set(Object.keys(spec.aggregates))
  const invariants = Object.entries(spec.invariants).map(([name, inv]) => ({
    name,
    spec: inv,
    score: compile(inv.score, `/invariants/${pointerPart(name)}/score`, {
      scope: 'score',
      result: 'number',
      aggregates: known,
    }),
  }))
  if (issues.length > 0) throw new KernelCompileError(issues)
  return {
    spec,
    digest: kernelDigest(spec),
    dimensions: invariants.map((i) => i.name),
    aggregates,
    invariants,
    gate: spec.gate,
  }
}
