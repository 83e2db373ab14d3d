// Allocation mechanisms: pure VCG auctions, Shapley cost shares and selfish-routing equilibria (issue 13).
export * from './shapley.ts'
export * from './vcg.ts'
