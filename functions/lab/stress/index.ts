// S44 adversarial stress testing of a kernel's gate against stated intents (pure; docs/kernel-lab-stress.md).
export { STRESS_NS_PER_STEP, stressBudget, stressSteps } from './budget.ts'
export { checkDomains, drawEvent, StressInputError } from './generate.ts'
export { IntentCompileError } from './intent.ts'
export { CANDIDATE_STEPS, type StressOptions, stress } from './search.ts'
export { shrinkSequence } from './shrink.ts'
export * from './types.ts'
