// The holon pulse: pure controller code (T_Lambda, genomic PID, entropy model, cores, Arbiter), no I/O.
export * from './arbiter.ts'
export * from './beat.ts'
export * from './cores.ts'
export * from './entropy-model.ts'
export * from './errors.ts'
export * from './genome.ts'
export * from './pid.ts'
export * from './t-lambda.ts'
