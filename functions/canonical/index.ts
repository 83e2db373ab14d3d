export * from './canonical.ts'
