// The kernel lab's learned forecaster: an LSTM trained offline (scripts/train-lstm.ts), run in the worker by hand.
export * from './forecaster.ts'
export * from './lstm.ts'
