export * from './artifact.ts'
export * from './compatibility.ts'
