// Allocation mechanisms (VCG auction, Shapley cost shares, Nash routing): re-exports only.
export * from './vcg.ts'
