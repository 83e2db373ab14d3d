// Writes functions/merkle/keccak.wasm from its assembler (functions/merkle/keccak-wasm.ts); `--check` only
// compares and exits 1 when the committed file differs.
import { readFileSync, writeFileSync } from 'node:fs'
import { keccakWasmBytes } from '../functions/merkle/keccak-wasm.ts'

const file = new URL('../functions/merkle/keccak.wasm', import.meta.url)
const bytes = keccakWasmBytes()
if (process.argv.includes('--check')) {
  const same = Buffer.compare(readFileSync(file), bytes) === 0
  console.log(
    same ? 'keccak.wasm is up to date' : 'keccak.wasm differs from its assembler: run without --check',
  )
  process.exit(same ? 0 : 1)
}
writeFileSync(file, bytes)
console.log(`wrote ${file.pathname} (${bytes.length} bytes)`)
