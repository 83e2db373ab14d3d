// Known-answer tests against published vectors: RFC 6962 (transparency-dev/merkle, a CT log), RFC 8785
// (the RFC and cyberphone/json-canonicalization) and signed notes (golang.org/x/mod/sumdb/note).
import { describe, expect, it } from 'vitest'
import { CanonicalJsonError, canonicalJson } from '../../functions/canonical/index.ts'
import {
  hexToBytes,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
  signNote,
  toHex,
} from '../../functions/ledger/index.ts'
import {
  CompactRange,
  consistencyProof,
  type Hash,
  inclusionProof,
  rootFromInclusion,
  sha256Tree,
  verifyConsistency,
  verifyInclusion,
} from '../../functions/merkle/index.ts'
import rfc6962 from '../vectors/rfc6962.json'
import jcs from '../vectors/rfc8785.json'
import notes from '../vectors/signed-note.json'

const h = sha256Tree
const bytes = (hex: string) => hexToBytes(hex)
const leaves = rfc6962.leaf_inputs.values.map(bytes)
const roots = new Map(rfc6962.root_hashes.by_size.map((r) => [r.size, r.root]))
const root = (size: number) => bytes(roots.get(size) as string)

/** The leaves appended one by one, every perfect node kept (as the holon's SQLite table keeps them). */
const tree = new CompactRange()
const nodes = new Map<string, Hash>()
for (const l of leaves) for (const n of tree.append(h, h.leaf(l))) nodes.set(`${n.level}:${n.index}`, n.hash)
const read = (level: number, index: number) => nodes.get(`${level}:${index}`) as Hash

describe('RFC 6962 vectors', () => {
  it('hashes leaves, nodes and the empty tree as published', () => {
    for (const c of rfc6962.hasher_vectors.cases as {
      op: string
      expected: string
      input_hex?: string
      left_hex?: string
      right_hex?: string
    }[]) {
      const got =
        c.op === 'empty_root'
          ? h.empty()
          : c.op === 'hash_leaf'
            ? h.leaf(bytes(c.input_hex ?? ''))
            : h.node(bytes(c.left_hex ?? ''), bytes(c.right_hex ?? ''))
      expect(toHex(got), c.op).toBe(c.expected)
    }
    expect(toHex(h.empty())).toBe(rfc6962.empty_tree_hash.value)
  })

  it('has the published root at every size, incrementally', () => {
    const t = new CompactRange()
    expect(toHex(t.root(h))).toBe(roots.get(0))
    leaves.forEach((l, i) => {
      t.append(h, h.leaf(l))
      expect(toHex(t.root(h)), `size ${i + 1}`).toBe(roots.get(i + 1))
    })
  })

  const inclusion = rfc6962.inclusion_proofs.flatMap((g) =>
    (g.vectors as { leaf_index: number | null; tree_size: number; proof: string[] }[]).filter(
      (v) => v.leaf_index !== null,
    ),
  )
  const consistency = rfc6962.consistency_proofs.flatMap(
    (g) => g.vectors as { size1: number; size2: number; proof: string[] }[],
  )

  it(`generates and verifies the ${inclusion.length} published inclusion proofs`, () => {
    expect(inclusion.length).toBeGreaterThanOrEqual(10)
    for (const v of inclusion) {
      const m = v.leaf_index as number
      expect(inclusionProof(h, read, m, v.tree_size).map(toHex), `${m}/${v.tree_size}`).toEqual(v.proof)
      expect(
        verifyInclusion(
          h,
          m,
          v.tree_size,
          h.leaf(leaves[m] as Uint8Array),
          v.proof.map(bytes),
          root(v.tree_size),
        ),
      ).toBe(true)
    }
  })

  it(`generates and verifies the ${consistency.length} published consistency proofs`, () => {
    for (const v of consistency) {
      if (v.size1 >= 1)
        expect(consistencyProof(h, read, v.size1, v.size2).map(toHex), `${v.size1}->${v.size2}`).toEqual(
          v.proof,
        )
      expect(verifyConsistency(h, v.size1, v.size2, v.proof.map(bytes), root(v.size1), root(v.size2))).toBe(
        true,
      )
    }
  })

  const someHash = bytes(rfc6962.must_fail.constants.sha256SomeHash)
  const emptyHash = bytes(rfc6962.must_fail.constants.sha256EmptyTreeHash)
  const flipFirst = (p: Hash[], i: number, mask: number) =>
    p.map((x, j) => (j === i ? Uint8Array.from(x, (b, k) => (k === 0 ? b ^ mask : b)) : x))

  it('rejects every inclusion probe of the published mutation rules', () => {
    const wrongLeaf = bytes(rfc6962.must_fail.constants.WrongLeaf_hex)
    const published = rfc6962.inclusion_proofs[0]?.vectors as {
      leaf_index: number | null
      tree_size: number
      proof: string[]
    }[]
    let probes = 0
    for (const v of published.filter((x) => x.leaf_index !== null)) {
      const m = v.leaf_index as number
      const n = v.tree_size
      const leaf = h.leaf(leaves[m] as Uint8Array)
      const p = v.proof.map(bytes)
      const r = root(n)
      expect(toHex(rootFromInclusion(h, m, n, leaf, p) as Hash)).toBe(toHex(r))
      const cases: [number, number, Hash, Hash[], Hash][] = [
        [m - 1, n, leaf, p, r],
        [m + 1, n, leaf, p, r],
        [m ^ 2, n, leaf, p, r],
        [m, n * 2, leaf, p, r],
        [m, Math.floor(n / 2), leaf, p, r],
        [m, n, wrongLeaf, p, r],
        [m, n, leaf, p, emptyHash],
        [m, n, leaf, p, someHash],
        [m, n, leaf, [...p, new Uint8Array(0)], r],
        [m, n, leaf, [...p, r], r],
        [m, n, leaf, [new Uint8Array(0), ...p], r],
        [m, n, leaf, [r, ...p], r],
        ...p.map((_, i): [number, number, Hash, Hash[], Hash] => [m, n, leaf, flipFirst(p, i, 8), r]),
        ...(p.length > 0 ? [[m, n, leaf, p.slice(0, -1), r] as [number, number, Hash, Hash[], Hash]] : []),
        ...(p.length > 1
          ? [[m, n, leaf, [p[0] as Hash, someHash, ...p.slice(1)], r] as [number, number, Hash, Hash[], Hash]]
          : []),
      ]
      for (const [mi, ni, li, pi, ri] of cases) {
        probes++
        expect(verifyInclusion(h, mi, ni, li, pi, ri), `probe ${probes} of ${m}/${n}`).toBe(false)
      }
    }
    expect(probes).toBeGreaterThan(60)
  })

  it('rejects every consistency probe of the published mutation rules', () => {
    const wrongRoot = bytes(rfc6962.must_fail.constants.WrongRoot_hex)
    let probes = 0
    for (const v of consistency.filter((x) => x.proof.length > 0)) {
      const [s1, s2, p, r1, r2] = [v.size1, v.size2, v.proof.map(bytes), root(v.size1), root(v.size2)]
      const empty = new Uint8Array(0)
      const cases: [number, number, Hash[], Hash, Hash][] = [
        [s1 - 1, s2, p, r1, r2],
        [s1 + 1, s2, p, r1, r2],
        [s1 ^ 2, s2, p, r1, r2],
        [s1, s2 * 2, p, r1, r2],
        [s1, Math.floor(s2 / 2), p, r1, r2],
        [s1, s2, p, wrongRoot, r2],
        [s1, s2, p, r1, wrongRoot],
        [s1, s2, p, r2, r1],
        [s1, s2, [], r1, r2],
        [s1, s2, [...p, empty], r1, r2],
        [s1, s2, [...p, r1], r1, r2],
        [s1, s2, [...p, r2], r1, r2],
        [s1, s2, [empty, ...p], r1, r2],
        [s1, s2, [r1, ...p], r1, r2],
        [s1, s2, [r2, ...p], r1, r2],
        [s1, s2, [p[0] as Hash, ...p], r1, r2],
        [s1, s2, p.slice(0, -1), r1, r2],
        ...p.map((_, i): [number, number, Hash[], Hash, Hash] => [s1, s2, flipFirst(p, i, 16), r1, r2]),
      ]
      for (const [a, b, pp, x, y] of cases) {
        probes++
        expect(verifyConsistency(h, a, b, pp, x, y), `probe ${probes} of ${s1}->${s2}`).toBe(false)
      }
    }
    expect(probes).toBeGreaterThan(60)
  })

  it('agrees with the static edge cases (empty trees, time travel)', () => {
    const table = rfc6962.must_fail.static_consistency_cases
    const ph = table.placeholders as Record<string, { hex: string } | string[]>
    const val = (k: string) =>
      k === 'sha256EmptyTreeHash' ? emptyHash : bytes((ph[k] as { hex: string }).hex)
    for (const c of table.cases as {
      size1: number
      size2: number
      root1: string
      root2: string
      proof: string
      want_error: boolean
    }[]) {
      const ok = verifyConsistency(
        h,
        c.size1,
        c.size2,
        (ph[c.proof] as string[]).map(bytes),
        val(c.root1),
        val(c.root2),
      )
      expect(ok, JSON.stringify(c)).toBe(!c.want_error)
    }
  })

  it('verifies a real Certificate Transparency log proof (Argon 2020)', () => {
    const ct = rfc6962.real_world_ct_log
    const leaf = h.leaf(bytes(ct.inclusion.leaf_input))
    expect(
      verifyInclusion(
        h,
        ct.inclusion.leaf_index,
        ct.tree_size,
        leaf,
        ct.inclusion.proof.map(bytes),
        bytes(ct.root_hash),
      ),
    ).toBe(true)
    const c = ct.consistency
    expect(verifyConsistency(h, c.size1, c.size2, c.proof.map(bytes), bytes(c.root1), bytes(c.root2))).toBe(
      true,
    )
  })
})

describe('RFC 8785 vectors', () => {
  it.each(jcs.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    expect(canonicalJson(JSON.parse(c.input))).toBe(c.expected)
  })

  it('serialises the Appendix B numbers', () => {
    for (const n of jcs.numbers as { ieee_hex: string; expected: string }[]) {
      const view = new DataView(bytes(n.ieee_hex.padStart(16, '0')).buffer)
      const x = view.getFloat64(0)
      if (Number.isFinite(x)) expect(canonicalJson(x), n.ieee_hex).toBe(n.expected)
      else expect(() => canonicalJson(x), n.ieee_hex).toThrow(CanonicalJsonError)
    }
  })

  it('sorts property names by UTF-16 code units', () => {
    // Read the order off the text: JS objects would put the integer-like key "1" first.
    const text = canonicalJson(JSON.parse(jcs.sorting.input))
    const positions = jcs.sorting.expected_value_order.map((v) => text.indexOf(`"${v}"`))
    expect(positions.every((p) => p > 0)).toBe(true)
    expect(positions).toEqual([...positions].sort((a, b) => a - b))
  })

  it('refuses what JCS cannot represent', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(CanonicalJsonError)
    expect(() => canonicalJson([Number.POSITIVE_INFINITY])).toThrow(CanonicalJsonError)
    expect(() => canonicalJson({ s: '\ud800' })).toThrow(CanonicalJsonError)
  })
})

describe('signed note vectors', () => {
  const peter = notes.keys.PeterNeumann
  const enoch = notes.keys.EnochRoot
  const keys = { PeterNeumann: parseVerifierKey(peter.vkey), EnochRoot: parseVerifierKey(enoch.vkey) }

  it('parses the published verifier keys and computes their key hashes', () => {
    expect(keys.PeterNeumann.keyHash.toString(16).padStart(8, '0')).toBe(peter.key_hash)
    expect(toHex(keys.PeterNeumann.publicKey)).toBe(peter.public_key_hex)
    expect(keys.EnochRoot.keyHash.toString(16).padStart(8, '0')).toBe(enoch.key_hash)
    for (const bad of notes.verifier_key_parsing.invalid_vkeys)
      expect(() => parseVerifierKey(bad.vkey), bad.reason).toThrow()
  })

  it('rejects every mangled form of a valid verifier key', () => {
    const v = peter.vkey
    for (let i = 0; i < v.length; i++) {
      for (let j = i + 1; j <= v.length; j++)
        if (j - i < v.length) expect(() => parseVerifierKey(v.slice(i, j))).toThrow()
      const bumped = v.slice(0, i) + String.fromCharCode(v.charCodeAt(i) + 1) + v.slice(i + 1)
      expect(() => parseVerifierKey(bumped), `byte ${i}`).toThrow()
    }
  })

  it('signs exactly as the Go reference (deterministic Ed25519)', () => {
    const note = signNote(notes.sign.text, peter.name, bytes(peter.ed25519_seed_hex))
    expect(note).toBe(notes.sign.expected_signed_note)
  })

  it.each(notes.open.cases.map((c) => [c.desc, c] as const))('open: %s', (_, c) => {
    const ks = (c.verifiers as (keyof typeof keys)[]).map((n) => keys[n])
    const expected = c.expect as { ok: boolean; sigs?: { name: string }[]; unverified_sigs?: unknown[] }
    if (expected.ok) {
      const opened = openNote(c.message, ks)
      expect(opened.text).toBe(notes.open.text)
      if (expected.sigs) expect(opened.verifiedBy).toEqual(expected.sigs.map((s) => s.name))
      if (expected.unverified_sigs) expect(opened.unknown).toHaveLength(expected.unverified_sigs.length)
    } else {
      expect(() => openNote(c.message, ks)).toThrow()
    }
  })

  it('rejects the published malformed notes', () => {
    const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })
    for (const c of notes.open.malformed_messages.cases) {
      let message: string
      try {
        message = strict.decode(bytes(c.message_hex))
      } catch {
        continue // invalid UTF-8 cannot even become a note string
      }
      expect(() => openNote(message, [keys.PeterNeumann]), c.construction).toThrow()
    }
  })

  it('parses the golden checkpoint body and rejects malformed ones', () => {
    const cp = notes.checkpoint_body
    const parsed = parseCheckpoint(cp.golden)
    expect(parsed).toMatchObject({ origin: cp.origin, size: cp.tree_size })
    expect(toHex(parsed.root)).toBe(cp.root_hash_decoded_hex)
    for (const bad of cp.must_fail_parse.slice(1))
      expect(() => parseCheckpoint(bad), JSON.stringify(bad)).toThrow()
  })
})
