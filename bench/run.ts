// `npm run bench [-- section ...] [--quick]`: prints markdown tables, one child process per section so that a
// failed, crashed or overlong section is a row in the summary table rather than the end of the run.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { type CommandSpec, command, fail, intFlag, status, UsageError } from '../scripts/cli.ts'
import { table } from './report.ts'

type Table = typeof table

interface Section {
  about: string
  run: (quick: boolean) => Promise<void>
}

// Imported only in the section's own process: a section's module-level work (a loader hook, a baseline) stays there.
const SECTIONS: Record<string, Section> = {
  gate: {
    about: 'the gate in-process and commits over HTTP',
    run: async (quick) => {
      const { gateInProcess, gateOverHttp } = await import('./gate.ts')
      gateInProcess(quick)
      await gateOverHttp(quick)
    },
  },
  ledger: {
    about: 'ledger overhead against a baseline checkout, export verification, proofs (1,000,000 entries)',
    run: async () => (await import('./ledger.ts')).ledgerBench(),
  },
  commit: {
    about: 'commit modes against a baseline checkout',
    run: async () => (await import('./commit.ts')).commitModes(),
  },
  'commit-inprocess': {
    about: 'the commit path in-process against a baseline checkout',
    run: async () => (await import('./ledger.ts')).commitPathInProcess(),
  },
  proofs: {
    about: 'proofs from a 1,000,000-entry ledger under write load',
    run: async () => (await import('./proofs.ts')).proofsUnderLoad(),
  },
  profile: {
    about: 'CPU profiles of the commit and the beat (not in the default run)',
    run: async () => (await import('./ledger.ts')).runtimeProfiles(),
  },
  geometry: {
    about: 'greedy routing, k-nearest and stored-graph routes (--calibrate, --attacks, --embed-job)',
    run: async (quick) => (await import('./geometry.ts')).geometryBenchmarks(table as Table, quick),
  },
  forecast: {
    about: 'forecast models: time and accuracy',
    run: async (quick) => (await import('./forecast.ts')).forecastBench(quick),
  },
  control: {
    about: 'MPC and the failover MDP',
    run: async (quick) => (await import('./control.ts')).controlBenchmarks(table, quick),
  },
  p2p: {
    about: 'artifact propagation and phase locking on loopback',
    run: async () => (await import('./p2p.ts')).p2pBench(),
  },
  roles: {
    about: 'memory of a node per role (full, light, witness, relay) with 5 peers',
    run: async () => (await import('./roles.ts')).rolesBench(),
  },
  venom: {
    about: 'the ledger self-audit step (WebAssembly and JavaScript SHA3)',
    run: async () => (await import('./venom.ts')).venomBench(),
  },
  kairos: {
    about: 'KAIROS per sample, bursts, gaps, rebuild, meta digest',
    run: async () => (await import('./kairos.ts')).kairosBench(),
  },
  pulse: {
    about: 'one beat in-process, beats of 1,000 holons over the runtime',
    run: async () => {
      const { beatInProcess, beatsOverRuntime } = await import('./pulse.ts')
      beatInProcess()
      await beatsOverRuntime()
    },
  },
  placement: {
    about: 'placement at fleet scale',
    run: async (quick) => (await import('./placement.ts')).placementBenchmarks(table, quick),
  },
  orchestrator: {
    about: 'one tick in-process and a chunked tick over the runtime',
    run: async (quick) => (await import('./orchestrator.ts')).orchestratorBench(table, quick),
  },
  markets: {
    about: 'VCG auctions, Shapley shares, selfish-routing equilibria at growing sizes; allocation in a tick',
    run: async () => {
      await (await import('./markets-vcg.ts')).run()
      await (await import('./markets-shapley.ts')).run()
      await (await import('./markets-nash.ts')).run()
      await (await import('./markets-allocate.ts')).run()
    },
  },
  lab: {
    about:
      'kernel lab: stress search, induction, root cause, anomaly detection, learned forecaster and policy',
    run: async (quick) => {
      for (const name of ['stress', 'induction', 'cause', 'anomaly', 'lstm', 'ppo'])
        await ((await import(`./lab-${name}.ts`)) as { run(quick: boolean): Promise<void> }).run(quick)
    },
  },
  zk: {
    about:
      'zero-knowledge attestation: statement sizes, proving (snarkjs) and verifying (worker verifier vs snarkjs)',
    run: async (quick) => {
      for (const name of ['statement', 'prove', 'verify'])
        await ((await import(`./zk-${name}.ts`)) as { run(quick: boolean): Promise<void> }).run(quick)
    },
  },
}

const QUICK_BUDGET_S = 100
/** Kept for each later section when a budget applies: a slow section cannot starve the rest. */
const RESERVE_S = 15
/**
 * The `--quick` run, cheapest first (measured under load average 16 on 2 cores: 10, 9, 25, 35, 70 s); the others
 * need minutes or a baseline checkout (geometry: 30 to 90 s even with --quick, `npm run bench -- --quick geometry`).
 */
const QUICK_ORDER = ['forecast', 'placement', 'control', 'orchestrator', 'gate']

export const spec: CommandSpec = {
  name: 'npm run bench --',
  summary:
    'Runs benchmark sections and prints markdown tables, then a summary with one row per section (ok, failed with its error, timed out, skipped). Exit 1 when a section failed.',
  args: '[section ...]',
  positionals: { max: Object.keys(SECTIONS).length },
  flags: {
    quick: {
      type: 'boolean',
      help: `small sizes, only the fast sections by default, at most ${QUICK_BUDGET_S} s in all`,
    },
    budget: {
      type: 'string',
      value: 'SECONDS',
      help: 'stop starting sections after this long; a running one is stopped',
    },
    list: { type: 'boolean', help: 'list the sections and exit' },
    calibrate: { type: 'boolean', help: 'geometry: calibrate the embedding budget instead' },
    attacks: { type: 'boolean', help: 'geometry: the attack scenarios instead' },
    'embed-job': { type: 'boolean', help: 'geometry: the chunked embedding job instead' },
  },
  env: {
    OMEGA_BENCH_LEDGER_ENTRIES: 'ledger size for `ledger` (default 1,000,000)',
    OMEGA_BENCH_PROOF_ENTRIES: 'ledger size for `proofs` (default 1,000,000)',
    OMEGA_BENCH_PULSE_PERIODS: 'beat periods in ms for `pulse` (default 5000,2000,1000)',
    OMEGA_BENCH_ROUNDS: 'rounds for `commit` (default 6)',
    OMEGA_BENCH_BASELINE: 'the baseline commit for `ledger`, `commit-inprocess`',
  },
  examples: [
    'npm run bench -- --quick',
    'npm run bench -- gate geometry',
    'OMEGA_BENCH_PULSE_PERIODS=1000 npm run bench -- pulse',
  ],
}

const { values, positionals } = command(spec)

/** The section's own process: runs it, reports a failure's one line to the parent, exits. */
async function child(name: string): Promise<never> {
  const section = SECTIONS[name]
  try {
    if (!section) throw new Error(`unknown section ${name}`)
    await section.run(values.quick === true)
    process.exit(0)
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? ''
    process.send?.({ error: message.slice(0, 200) })
    console.error(`bench ${name}: ${message}`)
    if (process.env.OMEGA_DEBUG) console.error(e)
    process.exit(1)
  }
}

interface Outcome {
  section: string
  result: 'ok' | 'failed' | 'timed out' | 'skipped'
  seconds: number
  note: string
}

/** Kills the section's whole process group (its wrangler dev and workerd included). */
function killGroup(p: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (p.pid) process.kill(-p.pid, signal)
  } catch {
    // already gone
  }
}

function runSection(name: string, timeoutMs: number): Promise<Outcome> {
  const t0 = performance.now()
  // the section's own temporary folder (os.tmpdir() follows TMPDIR): what a stopped section could not clean up
  // (a runtime's persistence folder, a ledger export, p2p keys) is removed with it
  const tmp = mkdtempSync(join(tmpdir(), `omega-bench-${name}-`))
  // the same command line (flags with their values, e.g. --quick, --calibrate): the section reads it too
  const p = spawn(process.execPath, [process.argv[1] as string, ...process.argv.slice(2)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, OMEGA_BENCH_SECTION: name, TMPDIR: tmp },
    detached: true, // its own process group, so that a timeout stops the servers it started too
  })
  let error: string | undefined
  let timedOut = false
  p.on('message', (m: { error?: string }) => {
    error = m.error
  })
  const timer = setTimeout(() => {
    timedOut = true
    killGroup(p, 'SIGTERM')
    setTimeout(() => killGroup(p, 'SIGKILL'), 3000).unref()
  }, timeoutMs)
  const stop = () => killGroup(p, 'SIGTERM')
  process.once('SIGINT', stop)
  return new Promise((resolve) => {
    p.on('exit', (code, signal) => {
      clearTimeout(timer)
      process.off('SIGINT', stop)
      killGroup(p, 'SIGTERM') // servers a section left behind
      setTimeout(
        () => {
          rmSync(tmp, { recursive: true, force: true })
        },
        timedOut ? 3500 : 0, // after the SIGKILL of whatever ignored the SIGTERM
      )
      const seconds = (performance.now() - t0) / 1000
      if (timedOut)
        resolve({
          section: name,
          result: 'timed out',
          seconds,
          note: `stopped after ${Math.round(timeoutMs / 1000)} s`,
        })
      else if (code === 0) resolve({ section: name, result: 'ok', seconds, note: '' })
      else
        resolve({
          section: name,
          result: 'failed',
          seconds,
          note: error ?? (signal ? `killed by ${signal}` : `exit code ${code}`),
        })
    })
  })
}

async function main(): Promise<number> {
  if (values.list) {
    for (const [name, s] of Object.entries(SECTIONS))
      console.log(`${name.padEnd(17)} ${QUICK_ORDER.includes(name) ? 'quick ' : '      '} ${s.about}`)
    return 0
  }
  const unknown = positionals.filter((s) => !(s in SECTIONS))
  if (unknown.length > 0)
    throw new UsageError(
      `unknown section ${unknown.join(', ')}; choose from ${Object.keys(SECTIONS).join(', ')}`,
    )
  const quick = values.quick === true
  const budgetS =
    values.budget !== undefined
      ? intFlag(values.budget, 'budget', { min: 1, max: 86_400 })
      : quick
        ? QUICK_BUDGET_S
        : Number.POSITIVE_INFINITY
  const chosen =
    positionals.length > 0
      ? positionals
      : quick
        ? QUICK_ORDER
        : Object.keys(SECTIONS).filter((s) => s !== 'profile')
  if (quick) {
    // small sizes for the sections that read them from the environment (an explicit setting wins)
    process.env.OMEGA_BENCH_LEDGER_ENTRIES ??= '20000'
    process.env.OMEGA_BENCH_PROOF_ENTRIES ??= '20000'
    process.env.OMEGA_BENCH_PULSE_PERIODS ??= '1000'
    process.env.OMEGA_BENCH_ROUNDS ??= '2'
  }
  console.log(
    `# Omega benchmarks: ${new Date().toISOString()}, ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, Node ${process.version}${quick ? ' (--quick)' : ''}`,
  )
  const t0 = performance.now()
  const outcomes: Outcome[] = []
  for (const [i, name] of chosen.entries()) {
    const left = budgetS * 1000 - (performance.now() - t0)
    // a fair share of what is left, so that one slow section cannot starve the others (time a section does
    // not use goes to the ones after it)
    const later = chosen.length - i - 1
    const share = Math.max(left / (later + 1), left - RESERVE_S * 1000 * later)
    if (left < 1000) {
      outcomes.push({
        section: name,
        result: 'skipped',
        seconds: 0,
        note: `time budget of ${budgetS} s spent`,
      })
      continue
    }
    status(
      `bench: [${i + 1}/${chosen.length}] ${name}: ${SECTIONS[name]?.about} (${Math.round((performance.now() - t0) / 1000)} s elapsed${Number.isFinite(budgetS) ? `, budget ${budgetS} s` : ''})`,
    )
    outcomes.push(await runSection(name, Math.min(share, 2 ** 31 - 1)))
  }
  const skippedInQuick = quick && positionals.length === 0
  table(
    `Sections (${((performance.now() - t0) / 1000).toFixed(1)} s in all)`,
    ['section', 'result', 'seconds', 'note'],
    [
      ...outcomes.map((o) => [o.section, o.result, o.seconds.toFixed(1), o.note.replaceAll('|', '\\|')]),
      ...(skippedInQuick
        ? Object.keys(SECTIONS)
            .filter((s) => !QUICK_ORDER.includes(s))
            .map((s) => [s, 'skipped', '0.0', `not in --quick: npm run bench -- ${s}`])
        : []),
    ],
  )
  return outcomes.some((o) => o.result === 'failed') ? 1 : 0
}

const section = process.env.OMEGA_BENCH_SECTION
if (section) await child(section)
else
  try {
    process.exitCode = await main()
  } catch (e) {
    fail(spec, e)
  }
