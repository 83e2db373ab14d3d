// `npm run bench [-- section ...] [--quick]`: prints markdown tables; sections: gate, ledger, commit, commit-inprocess, proofs, profile, geometry, forecast, control, p2p, roles, pulse, venom, kairos, placement, orchestrator (default: all but profile).
import { cpus } from 'node:os'
import { commitModes } from './commit.ts'
import { controlBenchmarks } from './control.ts'
import { forecastBench } from './forecast.ts'
import { gateInProcess, gateOverHttp } from './gate.ts'
import { geometryBenchmarks } from './geometry.ts'
import { kairosBench } from './kairos.ts'
import { commitPathInProcess, ledgerBench, runtimeProfiles } from './ledger.ts'
import { orchestratorBench } from './orchestrator.ts'
import { p2pBench } from './p2p.ts'
import { placementBenchmarks } from './placement.ts'
import { proofsUnderLoad } from './proofs.ts'
import { beatInProcess, beatsOverRuntime } from './pulse.ts'
import { table } from './report.ts'
import { rolesBench } from './roles.ts'
import { venomBench } from './venom.ts'

const quick = process.argv.includes('--quick')
const sections: Record<string, () => void | Promise<void>> = {
  gate: async () => {
    gateInProcess()
    await gateOverHttp()
  },
  ledger: ledgerBench,
  commit: commitModes,
  'commit-inprocess': commitPathInProcess,
  proofs: proofsUnderLoad,
  profile: runtimeProfiles,
  geometry: () => geometryBenchmarks(table, quick),
  forecast: () => forecastBench(quick),
  control: () => controlBenchmarks(table, quick),
  p2p: p2pBench,
  roles: rolesBench,
  placement: () => placementBenchmarks(table, quick),
  orchestrator: () => orchestratorBench(table, quick),
  pulse: async () => {
    beatInProcess()
    await beatsOverRuntime()
  },
  venom: venomBench,
  kairos: kairosBench,
}

const chosen = process.argv.slice(2).filter((a) => !a.startsWith('-'))
const unknown = chosen.filter((s) => !(s in sections))
if (unknown.length > 0) {
  console.error(`unknown section(s) ${unknown.join(', ')}; choose from ${Object.keys(sections).join(', ')}`)
  process.exit(2)
}
console.log(
  `# Omega benchmarks: ${new Date().toISOString()}, ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, Node ${process.version}`,
)
for (const name of chosen.length > 0 ? chosen : Object.keys(sections).filter((s) => s !== 'profile'))
  await sections[name]?.()
