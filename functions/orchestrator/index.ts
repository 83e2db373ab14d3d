// The MOM orchestrator's pure core: situations and strategies, scaling, failover, placement by mode, actions.
export * from './act.ts'
export * from './digest.ts'
export * from './fleet.ts'
export * from './model.ts'
export * from './modes.ts'
export * from './scale.ts'
export * from './situation.ts'
export * from './tick.ts'
