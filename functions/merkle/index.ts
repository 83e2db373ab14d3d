export * from './compact.ts'
export * from './hasher.ts'
export * from './proof.ts'
export * from './verify.ts'
