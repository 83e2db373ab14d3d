export * from './budget.ts'
export * from './errors.ts'
export * from './solve.ts'
