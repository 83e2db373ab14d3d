// `npm run simulate [-- --seed N --minutes M --startup S --json]`: replays one seeded fleet trace against the
// HPA + spread baseline and static peak provisioning and prints their metrics side by side.
import {
  compare,
  HpaController,
  makeTrace,
  OrchestratorController,
  StaticPeakController,
  toMarkdown,
} from '../bench/simulate/index.ts'
import { type CommandSpec, command, intFlag, run, status } from './cli.ts'

export const spec: CommandSpec = {
  name: 'npm run simulate --',
  summary:
    'Replays one seeded day of fleet demand (diurnal load, a spike, a node failure, a region outage) against the orchestrator, the Kubernetes HPA with a spread scheduler, and static peak provisioning.',
  flags: {
    seed: { type: 'string', value: 'INT', default: '1', help: 'the trace seed' },
    minutes: { type: 'string', value: '10..100000', default: '1440', help: 'trace length in minutes' },
    startup: { type: 'string', value: '0..3600', default: '120', help: 'replica startup time in seconds' },
    json: { type: 'boolean', default: false, help: 'print the report as JSON instead of markdown' },
  },
  examples: ['npm run simulate', 'npm run simulate -- --seed 3 --minutes 720 --json'],
}

const { values } = command(spec)
await run(spec, () => {
  const seed = intFlag(values.seed, 'seed')
  const minutes = intFlag(values.minutes, 'minutes', { min: 10, max: 100_000 })
  const startup = intFlag(values.startup, 'startup', { min: 0, max: 3600 })
  status(`simulate: ${minutes} minutes, seed ${seed}, three controllers…`)
  const trace = makeTrace({ seed, minutes })
  const orchestrator = new OrchestratorController({ startup_seconds: startup })
  const report = compare(trace, [orchestrator, new HpaController(), new StaticPeakController(trace)], {
    startup_seconds: startup,
  })
  console.log(values.json ? JSON.stringify(report, null, 2) : toMarkdown(report))
})
