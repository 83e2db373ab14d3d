export * from './beat-sync.ts'
export * from './kuramoto.ts'
