// Replica placement on nodes (exact MIP or greedy + local search) and its Pareto frontier: re-exports only.
export * from './budgets.ts'
export * from './chunks.ts'
export * from './errors.ts'
export * from './pareto.ts'
export * from './place.ts'
export * from './types.ts'
