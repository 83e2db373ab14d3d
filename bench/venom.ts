// VENOM benchmarks: the ledger self-audit step (budget 2,000 entries per alarm) with the JavaScript and the
// WebAssembly SHA3 (the holon object uses the latter), and the beat's added work (peer alerts, sharing).
import { performance } from 'node:perf_hooks'
import { ed25519 } from '@noble/curves/ed25519.js'
import {
  AUDIT_START,
  type AuditSource,
  auditStep,
  ed25519Signer,
  encodeVerifierKey,
  sealEntry,
  signCheckpoint,
} from '../functions/ledger/index.ts'
import { CompactRange, type Hash, sha3Tree } from '../functions/merkle/index.ts'
import { useSha3Backend } from '../functions/merkle/keccak.ts'
import { keccakWasmBytes, wasmSha3 } from '../functions/merkle/keccak-wasm.ts'
import { fmt, median, table } from './report.ts'

const ORIGIN = 'bench.example/holons/audit'

/** A ledger of `n` pulse-beat-sized entries (~1 kB each), with the roots at every chunk boundary. */
function ledgerOf(n: number, chunk: number) {
  const signer = ed25519Signer(ed25519.utils.randomSecretKey())
  const tree = new CompactRange()
  const texts: string[] = []
  const roots = new Map<number, Hash>()
  let prev: string | null = null
  for (let i = 0; i < n; i++) {
    const data = { beat: i, genome: { R: 0.25, B: 0.25, E: 0.25, O: 0.25 }, state_vector: [0.9, 0.8, 0.7] }
    const s = sealEntry({
      v: 1,
      holon: 'audit',
      index: i,
      prev,
      at: new Date(i * 1000).toISOString(),
      kind: 'pulse.beat',
      data: { ...data, pad: 'x'.repeat(800) },
    })
    texts.push(s.text)
    tree.append(sha3Tree, s.leaf)
    prev = s.leafHex
    if ((i + 1) % chunk === 0 || i === n - 1) roots.set(i + 1, tree.root(sha3Tree))
  }
  const source: AuditSource = {
    holon: 'audit',
    origin: ORIGIN,
    verifierKey: encodeVerifierKey(ORIGIN, signer.publicKey),
    size: n,
    entries: (from, to) => texts.slice(from, to),
    checkpoint: (size) => signCheckpoint({ origin: ORIGIN, size, root: roots.get(size) as Hash }, signer),
  }
  return { source, bytes: texts.reduce((s, t) => s + t.length, 0) / n }
}

function stepMs(chunk: number): { ms: number; bytes: number } {
  const { source, bytes } = ledgerOf(chunk * 3, chunk)
  const times: number[] = []
  for (let r = 0; r < 5; r++) {
    let s = AUDIT_START
    for (let c = 0; c < 3; c++) {
      const t0 = performance.now()
      s = auditStep(s, source, chunk)
      times.push(performance.now() - t0)
      if (!s.ok) throw new Error('the bench ledger did not verify')
    }
  }
  return { ms: median(times), bytes }
}

export function venomBench(): void {
  const rows: (string | number)[][] = []
  for (const backend of ['JavaScript', 'WebAssembly'] as const) {
    // Node compiles from bytes; the worker types (this project's globals) declare no Module constructor.
    const { Module } = WebAssembly as unknown as { Module: new (bytes: BufferSource) => WebAssembly.Module }
    const module = new Module(keccakWasmBytes() as BufferSource)
    useSha3Backend(backend === 'JavaScript' ? undefined : wasmSha3(new WebAssembly.Instance(module)))
    for (const chunk of [500, 2000]) {
      const { ms, bytes } = stepMs(chunk)
      rows.push([backend, chunk, fmt(bytes, 0), fmt(ms, 1), fmt((ms * 1000) / chunk, 1)])
    }
  }
  useSha3Backend(undefined)
  table(
    'Ledger self-audit step (re-hash, re-chain, Merkle root vs a signed checkpoint of the stored tree)',
    ['SHA3', 'entries per step', 'bytes per entry', 'ms per step (median)', 'us per entry'],
    rows,
  )
}
