// Allocation mechanisms (issue 13): pure functions, one file per mechanism; re-exports only.
export * from './congestion.ts'
