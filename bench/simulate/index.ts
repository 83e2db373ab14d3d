// The fleet simulator of `npm run simulate`: trace, cluster model, baselines, report and the controller interface.
export * from './cluster.ts'
export * from './controller.ts'
export * from './hpa.ts'
export * from './orchestrator.ts'
export * from './report.ts'
export * from './scheduler.ts'
export * from './static.ts'
export * from './trace.ts'
