// `npm run simulate [-- --seed N --minutes M --startup S --json]`: replays one seeded fleet trace against the
// HPA + spread baseline and static peak provisioning and prints their metrics side by side.
import { parseArgs } from 'node:util'
import {
  compare,
  HpaController,
  makeTrace,
  OrchestratorController,
  StaticPeakController,
  toMarkdown,
} from '../bench/simulate/index.ts'

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    minutes: { type: 'string', default: '1440' },
    startup: { type: 'string', default: '120' },
    eviction: { type: 'string', default: '300' },
    json: { type: 'boolean', default: false },
  },
})
const seed = Number(values.seed)
const minutes = Number(values.minutes)
const startup = Number(values.startup)
if (!Number.isInteger(seed) || !(minutes >= 10 && minutes <= 100_000) || !(startup >= 0 && startup <= 3600)) {
  console.error(
    'usage: npm run simulate -- [--seed INT] [--minutes 10..100000] [--startup 0..3600 seconds] [--json]',
  )
  process.exit(2)
}
const trace = makeTrace({ seed, minutes })
const orchestrator = new OrchestratorController({ startup_seconds: startup })
const report = compare(trace, [orchestrator, new HpaController(), new StaticPeakController(trace)], {
  startup_seconds: startup,
})
console.log(values.json ? JSON.stringify(report, null, 2) : toMarkdown(report))
