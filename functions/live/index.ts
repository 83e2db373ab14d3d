// The live channel's pure core: messages from commits, refusals and beats; client frames.
export * from './messages.ts'
