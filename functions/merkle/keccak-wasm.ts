// SHA3-256 over a WebAssembly Keccak-f[1600]: the module's bytes, assembled here from FIPS 202's definitions
// (committed as keccak.wasm, which workerd imports precompiled), and the hash over an instance of it.
// 64-bit lanes in WebAssembly run the permutation ~5x faster than the 32-bit halves JavaScript needs.

/** Round constants of iota, from FIPS 202's LFSR rc(t). */
function roundConstants(): bigint[] {
  let r = 1
  const bit = (): number => {
    const out = r & 1
    r = r & 0x80 ? ((r << 1) ^ 0x71) & 0xff : (r << 1) & 0xff
    return out
  }
  return Array.from({ length: 24 }, () => {
    let v = 0n
    for (let j = 0; j < 7; j++) if (bit()) v |= 1n << BigInt(2 ** j - 1)
    return v
  })
}

/** Rotation offsets of rho, lane x + 5y, from FIPS 202's walk (x, y) -> (y, 2x + 3y). */
function rotations(): number[] {
  const rot = new Array<number>(25).fill(0)
  let [x, y] = [1, 0]
  for (let t = 0; t < 24; t++) {
    rot[x + 5 * y] = (((t + 1) * (t + 2)) / 2) % 64
    ;[x, y] = [y, (2 * x + 3 * y) % 5]
  }
  return rot
}

const uleb = (n: number): number[] => {
  const out: number[] = []
  do {
    let b = n & 0x7f
    n >>>= 7
    if (n) b |= 0x80
    out.push(b)
  } while (n)
  return out
}

/** Where the state (25 little-endian lanes) and the round constants sit in the module's memory, and input starts. */
const STATE = 0
const RC_AT = 200
export const INPUT_AT = 512
const RATE = 136

/**
 * The module: exports `memory` and `absorb(ptr, blocks)`, which XORs `blocks` rate-sized blocks from `ptr`
 * into the state and permutes after each. Lanes, B and C of theta/rho-pi/chi are locals; the 24 rounds loop
 * over the constants in a data segment.
 */
export function keccakWasmBytes(): Uint8Array {
  const [PTR, BLOCKS, R, A, B, C, D] = [0, 1, 2, 3, 28, 53, 58]
  const rot = rotations()
  const c: number[] = []
  const get = (i: number) => c.push(0x20, ...uleb(i))
  const set = (i: number) => c.push(0x21, ...uleb(i))
  const i32 = (n: number) => c.push(0x41, ...uleb(n)) // non-negative constants below 64 (one-byte LEB)
  const [XOR, AND, ROTL, LOAD, STORE] = [0x85, 0x83, 0x89, 0x29, 0x37]
  for (let i = 0; i < 25; i++) {
    i32(0)
    c.push(LOAD, 3, ...uleb(STATE + 8 * i))
    set(A + i)
  }
  c.push(0x02, 0x40, 0x03, 0x40) // block (exit), loop (blocks)
  get(BLOCKS)
  c.push(0x45, 0x0d, 1) // i32.eqz, br_if exit
  for (let i = 0; i < RATE / 8; i++) {
    get(A + i)
    get(PTR)
    c.push(LOAD, 0, ...uleb(8 * i), XOR)
    set(A + i)
  }
  i32(0)
  set(R)
  c.push(0x03, 0x40) // loop (rounds)
  for (let x = 0; x < 5; x++) {
    get(A + x)
    for (let y = 1; y < 5; y++) {
      get(A + x + 5 * y)
      c.push(XOR)
    }
    set(C + x)
  }
  for (let x = 0; x < 5; x++) {
    get(C + ((x + 4) % 5))
    get(C + ((x + 1) % 5))
    c.push(0x42, 1, ROTL, XOR)
    set(D)
    for (let y = 0; y < 5; y++) {
      get(A + x + 5 * y)
      get(D)
      c.push(XOR)
      set(A + x + 5 * y)
    }
  }
  for (let x = 0; x < 5; x++)
    for (let y = 0; y < 5; y++) {
      get(A + x + 5 * y)
      const r = rot[x + 5 * y] as number
      if (r) c.push(0x42, ...uleb(r), ROTL) // r < 64: its signed and unsigned LEB agree
      set(B + y + 5 * ((2 * x + 3 * y) % 5))
    }
  for (let y = 0; y < 5; y++)
    for (let x = 0; x < 5; x++) {
      get(B + x + 5 * y)
      get(B + ((x + 1) % 5) + 5 * y)
      c.push(0x42, 0x7f, XOR) // NOT: XOR with -1
      get(B + ((x + 2) % 5) + 5 * y)
      c.push(AND, XOR)
      set(A + x + 5 * y)
    }
  get(A)
  get(R)
  c.push(LOAD, 3, ...uleb(RC_AT), XOR)
  set(A)
  get(R)
  i32(8)
  c.push(0x6a, 0x22, ...uleb(R)) // i32.add, local.tee
  c.push(0x41, ...uleb(8 * 24), 0x47, 0x0d, 0, 0x0b) // i32.ne 192, br_if rounds, end
  get(PTR)
  c.push(0x41, ...uleb(RATE), 0x6a)
  set(PTR)
  get(BLOCKS)
  i32(1)
  c.push(0x6b) // i32.sub
  set(BLOCKS)
  c.push(0x0c, 0, 0x0b, 0x0b) // br blocks, end loop, end block
  for (let i = 0; i < 25; i++) {
    i32(0)
    get(A + i)
    c.push(STORE, 3, ...uleb(STATE + 8 * i))
  }
  c.push(0x0b)
  const body = [0x02, 1, 0x7f, 56, 0x7e, ...c] // locals: 1 i32 (round offset), 56 i64 (A, B, C, D)
  const section = (id: number, payload: number[]) => [id, ...uleb(payload.length), ...payload]
  const name = (s: string) => [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))]
  const rc = roundConstants().flatMap((v) =>
    Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn)),
  )
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(1, [1, 0x60, 2, 0x7f, 0x7f, 0]), // type: (i32, i32) -> ()
    ...section(3, [1, 0]), // function 0 has type 0
    ...section(5, [1, 0, 1]), // memory: one page to start
    ...section(7, [2, ...name('absorb'), 0, 0, ...name('memory'), 2, 0]),
    ...section(10, [1, ...uleb(body.length), ...body]),
    ...section(11, [1, 0, 0x41, ...uleb(RC_AT), 0x0b, ...uleb(rc.length), ...rc]),
  ])
}

interface KeccakExports {
  absorb(ptr: number, blocks: number): void
  memory: WebAssembly.Memory
}

/**
 * SHA3-256 over an instance of the module: the input is copied into its memory with the pad10*1 padding
 * (domain bits 0x06), absorbed in one call, and the first 32 bytes of the state are the digest. `prefix`, if
 * given, is one byte hashed before the data (RFC 6962's leaf and node prefixes) without copying the data twice.
 */
export function wasmSha3(instance: WebAssembly.Instance): (data: Uint8Array, prefix?: number) => Uint8Array {
  const { absorb, memory } = instance.exports as unknown as KeccakExports
  let mem = new Uint8Array(memory.buffer)
  return (data, prefix) => {
    const start = prefix === undefined ? INPUT_AT : INPUT_AT - 1
    const length = INPUT_AT - start + data.length
    const blocks = Math.floor(length / RATE) + 1
    const end = start + blocks * RATE
    if (end > mem.length) {
      memory.grow(Math.ceil((end - mem.length) / 65536))
      mem = new Uint8Array(memory.buffer)
    }
    mem.fill(0, STATE, STATE + 200)
    if (prefix !== undefined) mem[start] = prefix
    mem.set(data, INPUT_AT)
    mem.fill(0, start + length, end)
    mem[start + length] = 0x06
    mem[end - 1] = (mem[end - 1] as number) ^ 0x80
    absorb(start, blocks)
    return mem.slice(STATE, STATE + 32)
  }
}
