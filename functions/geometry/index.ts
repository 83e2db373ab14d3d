// Hyperbolic geometry in the Poincaré ball: re-exports only.
export * from './cost.ts'
export * from './errors.ts'
export * from './exact.ts'
export * from './mean.ts'
export * from './poincare.ts'
export * from './point.ts'
