// Anomaly detection (issue 14, learned models): robust z-scores and CUSUM against a causal robust baseline.
export * from './baseline.ts'
export * from './cusum.ts'
export * from './detect.ts'
export * from './robust.ts'
export * from './robust-z.ts'
export * from './types.ts'
