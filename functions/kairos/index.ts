// KAIROS temporal coherence, the Emissary's suggestion and the meta witness digest: pure, no I/O.
export * from './kairos.ts'
export * from './suggest.ts'
export * from './transducer.ts'
export * from './witness-digest.ts'
