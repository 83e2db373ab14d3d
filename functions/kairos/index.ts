// KAIROS temporal coherence: pure, no I/O.
export * from './kairos.ts'
export * from './transducer.ts'
