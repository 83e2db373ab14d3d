// The kernel lab's root cause: torsion attribution (Shapley over events), counterfactual replay.
export * from './attribute.ts'
export * from './budget.ts'
export * from './counterfactual.ts'
