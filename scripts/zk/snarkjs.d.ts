// The few snarkjs entry points scripts/zk uses (snarkjs ships no types); shapes read from node_modules/snarkjs/src.
declare module 'snarkjs' {
  export interface Groth16Proof {
    pi_a: string[]
    pi_b: string[][]
    pi_c: string[]
    protocol: string
    curve: string
  }
  export interface Logger {
    info: (s: string) => void
    warn: (s: string) => void
    error: (s: string) => void
    debug: (s: string) => void
  }
  export interface Curve {
    terminate: () => Promise<void>
  }
  export const groth16: {
    fullProve: (
      input: Record<string, unknown>,
      wasm: string | Uint8Array,
      zkey: string | Uint8Array,
      logger?: Logger,
    ) => Promise<{ proof: Groth16Proof; publicSignals: string[] }>
    verify: (vkey: unknown, publicSignals: string[], proof: Groth16Proof, logger?: Logger) => Promise<boolean>
    prove: (
      zkey: string | MemFile,
      witness: string | MemFile,
      logger?: Logger,
    ) => Promise<{ proof: Groth16Proof; publicSignals: string[] }>
  }
  /** fastfile's in-memory file: `{ type: 'mem' }` to receive, `{ type: 'mem', data }` to read */
  export interface MemFile {
    type: 'mem'
    data?: Uint8Array
  }
  export const wtns: {
    calculate: (
      input: Record<string, unknown>,
      wasm: string | Uint8Array,
      out: string | MemFile,
    ) => Promise<void>
  }
  export const powersOfTau: {
    newAccumulator: (curve: Curve, power: number, file: string, logger?: Logger) => Promise<Uint8Array>
    contribute: (
      oldFile: string,
      newFile: string,
      name: string,
      entropy: string,
      logger?: Logger,
    ) => Promise<Uint8Array>
    preparePhase2: (oldFile: string, newFile: string, logger?: Logger) => Promise<void>
  }
  export const zKey: {
    newZKey: (r1cs: string, ptau: string, zkey: string, logger?: Logger) => Promise<Uint8Array>
    contribute: (
      oldZkey: string,
      newZkey: string,
      name: string,
      entropy: string,
      logger?: Logger,
    ) => Promise<Uint8Array>
    exportVerificationKey: (zkey: string | Uint8Array, logger?: Logger) => Promise<Record<string, unknown>>
    verifyFromR1cs: (r1cs: string, ptau: string, zkey: string, logger?: Logger) => Promise<boolean>
  }
  export const r1cs: {
    info: (
      file: string,
      logger?: Logger,
    ) => Promise<{ nConstraints: number; nVars: number; nPubInputs: number }>
  }
  export const curves: {
    getCurveFromName: (name: string, options?: { singleThread?: boolean }) => Promise<Curve>
  }
}
