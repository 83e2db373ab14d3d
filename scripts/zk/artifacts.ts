// Where the circuits and their artifacts live, and compiling a circuit with circom2 (Node only).
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

export const CIRCUITS = ['kernel', 'placement'] as const
export type CircuitName = (typeof CIRCUITS)[number]

export const root = fileURLToPath(new URL('../..', import.meta.url))
export const circuitSource = (name: CircuitName) => join(root, 'scripts/zk/circuits', `${name}.circom`)
export const buildDir = join(root, 'scripts/zk/build')
export const wasmPath = (name: CircuitName) => join(buildDir, `${name}.wasm`)
export const zkeyPath = (name: CircuitName) => join(buildDir, `${name}.zkey`)
export const transcriptPath = join(buildDir, 'transcript.json')
export const vkeyPath = (name: CircuitName) => join(root, 'functions/attestation/vkeys', `${name}.json`)

export const sha256File = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex')

const require = createRequire(import.meta.url)
const version = (pkg: string) =>
  (JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string })
    .version
export const circomVersion = version('circom2')
export const snarkjsVersion = version('snarkjs')

/**
 * Compiles a circuit with circom2 (circom in WebAssembly) into outDir: <name>.r1cs and <name>_js/<name>.wasm.
 * --O2 folds the linear constraints away (fewer constraints, a smaller proving key); circomlib is found through
 * the include path node_modules, so a clean clone compiles after `npm ci`.
 */
export async function compileCircuit(
  name: CircuitName,
  outDir: string,
): Promise<{ r1cs: string; wasm: string }> {
  const cli = require.resolve('circom2/cli.js')
  await promisify(execFile)(
    process.execPath,
    [cli, circuitSource(name), '--r1cs', '--wasm', '--O2', '-l', join(root, 'node_modules'), '-o', outDir],
    { cwd: root, maxBuffer: 16 << 20 },
  )
  return { r1cs: join(outDir, `${name}.r1cs`), wasm: join(outDir, `${name}_js`, `${name}.wasm`) }
}
