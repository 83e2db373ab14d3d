// Calibrates expression steps to CPU time on this machine: `npx node test/kernel/calibrate.ts`.
// Prints nanoseconds per step for workloads of different shapes; NS_PER_STEP in limits.ts is set from them.
import { performance } from 'node:perf_hooks'
import { benchKernel, events, take } from '../../bench/workload.ts'
import { StepBudget } from '../../functions/budget/index.ts'
import { compileExpr } from '../../functions/kernel/expr.ts'
import { compileKernel, gateBatch, initialAggregates } from '../../functions/kernel/index.ts'
import { KernelSpec } from '../../schemas/kernel.ts'

const list = (n: number) => Array.from({ length: n }, (_, i) => i)
const workloads: [string, string, Record<string, unknown>][] = [
  ['arithmetic per element', 'event.xs.map(x, x * 2.0 + 1.0).size() > 0', { xs: list(1000) }],
  ['filter + exists', 'event.xs.filter(x, x > 10.0).exists(y, y == 999.0)', { xs: list(1000) }],
  ['nested all (literals)', `cel.bind(l, [${list(200).join(', ')}], l.all(x, l.all(y, x + y >= 0)))`, {}],
  [
    'string concat',
    'event.ss.map(s, s + s + s).size() > 0',
    { ss: list(1000).map((i) => `s${i}`.repeat(50)) },
  ],
  ['membership in', 'event.xs.all(x, x in event.ys)', { xs: list(1000), ys: list(1000) }],
  ['regex (RE2)', 'event.ss.all(s, s.matches("^(a+)+b?$"))', { ss: list(200).map(() => 'a'.repeat(200)) }],
  ['scalar score', '(event.a / (event.b + 1.0) > 0.5 ? 1.0 : min(1.0, event.a)) > 0.5', { a: 3, b: 4 }],
]

for (const [name, src, event] of workloads) {
  const r = compileExpr(src, { scope: 'event', result: 'bool' })
  if (!r.ok) throw new Error(`${name}: ${r.problem.message}`)
  const rounds = name === 'scalar score' ? 200_000 : 200
  let spent = 0
  for (let i = 0; i < rounds / 4; i++) r.expr({ event }, new StepBudget('calibration', 1e12, 0)) // warm-up
  const t0 = performance.now()
  for (let i = 0; i < rounds; i++) {
    const b = new StepBudget('calibration', 1e12, 0)
    r.expr({ event }, b)
    spent += b.spent
  }
  const ns = ((performance.now() - t0) * 1e6) / spent
  console.log(
    `${name.padEnd(24)} ${String(Math.round(spent / rounds)).padStart(8)} steps/eval ${ns.toFixed(1).padStart(7)} ns/step`,
  )
}

// The benchmark kernel (10 invariants over 10 aggregates): steps one gated event spends, warm.
const k = compileKernel(KernelSpec.parse(benchKernel))
const stream = events('cal')
let states = initialAggregates(k)
let last: Record<string, unknown> | undefined
let current: ReturnType<typeof gateBatch>['results'][number] | undefined
for (let round = 0; round < 4; round++) {
  const budget = new StepBudget('calibration', 1e12, 0)
  const batch = take(stream, 5000)
  const t0 = performance.now()
  for (const e of batch) {
    // As the holon object runs it: the current state is cached, the event is gated against it.
    const out = gateBatch(k, states, [e], { last, known: current, budget })
    states = out.states
    last = e
    current = out.results[0]
  }
  const ns = ((performance.now() - t0) * 1e6) / budget.spent
  if (round === 3)
    console.log(
      `bench kernel (whole gate)  ${Math.round(budget.spent / batch.length)} steps/event ${ns.toFixed(1).padStart(7)} ns/step`,
    )
}
