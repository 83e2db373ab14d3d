// `npm run zk:setup [-- kernel|placement] [--contribute]`: compiles the circuits with circom2, runs a local
// Groth16 trusted setup (powers of tau on bn128, one phase-1 and one phase-2 contribution with fresh entropy)
// and writes the wasm, proving key, verification key and a transcript; `--contribute` adds one phase-2
// contribution to the committed proving keys (docs/attestation.md).
import { randomBytes } from 'node:crypto'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import * as snarkjs from 'snarkjs'
import { type CommandSpec, command, run, UsageError } from '../cli.ts'
import {
  CIRCUITS,
  type CircuitName,
  circomVersion,
  compileCircuit,
  sha256File,
  snarkjsVersion,
  transcriptPath,
  vkeyPath,
  wasmPath,
  zkeyPath,
} from './artifacts.ts'

export const spec: CommandSpec = {
  name: 'npm run zk:setup --',
  summary:
    'Compiles the zero-knowledge circuits and runs a local Groth16 trusted setup (or, with --contribute, adds a phase-2 contribution to the committed keys).',
  args: '[kernel|placement ...]',
  positionals: { min: 0, max: 2 },
  flags: {
    contribute: {
      type: 'boolean',
      help: 'add one phase-2 contribution (fresh entropy) to the committed zkeys and re-export the vkeys',
    },
    name: { type: 'string', value: 'TEXT', help: 'the contributor name recorded in the zkey and transcript' },
  },
  examples: [
    'npm run zk:setup',
    'npm run zk:setup -- kernel',
    'npm run zk:setup -- --contribute --name "Acme"',
  ],
}

/** Powers of tau: 2^14 = 16,384 >= the kernel circuit's 13,307 constraints + 249 public inputs + 1. */
export const PTAU_POWER = 14

export interface Contribution {
  phase: 1 | 2
  name: string
  /** the contribution hash snarkjs prints (blake2b-512, hex) */
  hash: string
  date: string
}

export interface CircuitTranscript {
  date: string
  ptauPower: number
  constraints: number
  publicInputs: number
  wires: number
  r1csSha256: string
  wasmSha256: string
  zkeySha256: string
  vkeySha256: string
  contributions: Contribution[]
  seconds: Record<string, number>
}

export interface Transcript {
  snarkjs: string
  circom2: string
  curve: 'bn128'
  protocol: 'groth16'
  circuits: Partial<Record<CircuitName, CircuitTranscript>>
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
/** Entropy for one contribution: 32 fresh bytes, handed to snarkjs in memory (which mixes in 64 more) and dropped. */
const entropy = () => randomBytes(32).toString('hex')
const log = (s: string) => process.stderr.write(`zk:setup: ${s}\n`)

export function readTranscript(): Transcript {
  const fresh: Transcript = {
    snarkjs: snarkjsVersion,
    circom2: circomVersion,
    curve: 'bn128',
    protocol: 'groth16',
    circuits: {},
  }
  if (!existsSync(transcriptPath)) return fresh
  const t = JSON.parse(readFileSync(transcriptPath, 'utf8')) as Transcript
  return { ...t, snarkjs: snarkjsVersion, circom2: circomVersion }
}

function writeJson(path: string, value: unknown) {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`)
}

async function timed<T>(seconds: Record<string, number>, step: string, f: () => Promise<T>): Promise<T> {
  const t0 = performance.now()
  const out = await f()
  seconds[step] = Math.round(performance.now() - t0) / 1000
  log(`${step}: ${seconds[step]} s`)
  return out
}

/** The full ceremony for the named circuits; the ptau and the initial zkeys live in a temp dir deleted at the end. */
async function setup(names: CircuitName[], who: string): Promise<Transcript> {
  const transcript = readTranscript()
  const tmp = mkdtempSync(join(tmpdir(), 'omega-zk-setup-'))
  const curve = await snarkjs.curves.getCurveFromName('bn128')
  try {
    const phase1: Record<string, number> = {}
    const pot0 = join(tmp, 'pot_0000.ptau')
    const pot1 = join(tmp, 'pot_0001.ptau')
    const potFinal = join(tmp, 'pot_final.ptau')
    await timed(phase1, 'ptau_new', () => snarkjs.powersOfTau.newAccumulator(curve, PTAU_POWER, pot0))
    const p1 = await timed(phase1, 'ptau_contribute', () =>
      snarkjs.powersOfTau.contribute(pot0, pot1, `${who} phase 1`, entropy()),
    )
    rmSync(pot0)
    await timed(phase1, 'ptau_prepare_phase2', () => snarkjs.powersOfTau.preparePhase2(pot1, potFinal))
    rmSync(pot1)
    const phase1Entry: Contribution = {
      phase: 1,
      name: `${who} phase 1`,
      hash: hex(p1),
      date: new Date().toISOString(),
    }

    for (const name of names) {
      const seconds: Record<string, number> = { ...phase1 }
      const out = join(tmp, name)
      mkdirSync(out)
      const { r1cs, wasm } = await timed(seconds, 'compile', () => compileCircuit(name, out))
      const info = await snarkjs.r1cs.info(r1cs)
      const zkey0 = join(out, `${name}_0000.zkey`)
      await timed(seconds, 'groth16_setup', () => snarkjs.zKey.newZKey(r1cs, potFinal, zkey0))
      const zkey1 = join(out, `${name}_0001.zkey`)
      const p2 = await timed(seconds, 'zkey_contribute', () =>
        snarkjs.zKey.contribute(zkey0, zkey1, `${who} phase 2`, entropy()),
      )
      rmSync(zkey0)
      const ok = await timed(seconds, 'zkey_verify', () => snarkjs.zKey.verifyFromR1cs(r1cs, potFinal, zkey1))
      if (!ok) throw new Error(`the ${name} proving key does not verify against its r1cs and ptau`)
      mkdirSync(dirname(zkeyPath(name)), { recursive: true })
      renameSync(zkey1, zkeyPath(name))
      copyFileSync(wasm, wasmPath(name))
      const vkey = await snarkjs.zKey.exportVerificationKey(zkeyPath(name))
      writeJson(vkeyPath(name), vkey)
      transcript.circuits[name] = {
        date: new Date().toISOString(),
        ptauPower: PTAU_POWER,
        constraints: info.nConstraints,
        publicInputs: info.nPubInputs,
        wires: info.nVars,
        r1csSha256: sha256File(r1cs),
        wasmSha256: sha256File(wasmPath(name)),
        zkeySha256: sha256File(zkeyPath(name)),
        vkeySha256: sha256File(vkeyPath(name)),
        contributions: [
          phase1Entry,
          { phase: 2, name: `${who} phase 2`, hash: hex(p2), date: new Date().toISOString() },
        ],
        seconds,
      }
      log(`${name}: ${info.nConstraints} constraints, contribution ${hex(p2).slice(0, 16)}…`)
    }
  } finally {
    // the toxic intermediates: the ptau files and the initial zkeys (the entropy itself never left memory)
    rmSync(tmp, { recursive: true, force: true })
    await curve.terminate()
  }
  return transcript
}

/** One more phase-2 contribution on top of the committed zkeys: whoever adds it need trust no earlier one. */
async function contribute(names: CircuitName[], who: string): Promise<Transcript> {
  const transcript = readTranscript()
  const curve = await snarkjs.curves.getCurveFromName('bn128')
  try {
    for (const name of names) {
      const entry = transcript.circuits[name]
      if (!entry || !existsSync(zkeyPath(name)))
        throw new UsageError(
          `no committed ${name} zkey to contribute to: run npm run zk:setup -- ${name} first`,
        )
      const next = `${zkeyPath(name)}.next`
      const seconds: Record<string, number> = {}
      const hash = await timed(seconds, 'zkey_contribute', () =>
        snarkjs.zKey.contribute(zkeyPath(name), next, who, entropy()),
      )
      renameSync(next, zkeyPath(name))
      writeJson(vkeyPath(name), await snarkjs.zKey.exportVerificationKey(zkeyPath(name)))
      entry.contributions.push({ phase: 2, name: who, hash: hex(hash), date: new Date().toISOString() })
      entry.zkeySha256 = sha256File(zkeyPath(name))
      entry.vkeySha256 = sha256File(vkeyPath(name))
      entry.seconds = {
        ...entry.seconds,
        [`contribute_${entry.contributions.length - 1}`]: seconds.zkey_contribute ?? 0,
      }
      log(`${name}: contribution ${hex(hash).slice(0, 16)}… by ${who}`)
    }
  } finally {
    await curve.terminate()
  }
  return transcript
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await run(spec, async () => {
    const { values, positionals } = command(spec)
    for (const p of positionals)
      if (!(CIRCUITS as readonly string[]).includes(p))
        throw new UsageError(`unknown circuit "${p}" (one of ${CIRCUITS.join(', ')})`)
    const names = positionals.length > 0 ? (positionals as CircuitName[]) : [...CIRCUITS]
    const t0 = performance.now()
    const transcript = values.contribute
      ? await contribute(names, typeof values.name === 'string' ? values.name : 'contributor')
      : await setup(names, typeof values.name === 'string' ? values.name : 'omega')
    writeJson(transcriptPath, transcript)
    log(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    return 0
  })
}
