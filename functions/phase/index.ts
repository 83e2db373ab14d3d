export * from './kuramoto.ts'
