export * from './budget.ts'
