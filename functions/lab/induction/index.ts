// MS-Beta invariant induction: proposals from history, simulated by replay (pure; the holon files them).

export * from './budget.ts'
export * from './candidates.ts'
export * from './history.ts'
export * from './induce.ts'
export * from './quantile.ts'
export * from './simulate.ts'
