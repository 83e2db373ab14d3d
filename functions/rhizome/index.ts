export * from './alert.ts'
export * from './artifact.ts'
export * from './compatibility.ts'
