// `npm run train -- NAME`: trains one of the kernel lab's learned models offline (Node only, never in the worker).
const [name, ...rest] = process.argv.slice(2)
const trainers: Record<string, () => Promise<{ main(args: string[]): Promise<void> }>> = {
  ppo: () => import('./train-ppo.ts'),
  lstm: () => import('./train-lstm.ts'),
}
const load = name ? trainers[name] : undefined
if (!load) {
  console.error(`usage: npm run train -- ${Object.keys(trainers).join('|')} [options]`)
  process.exit(2)
}
await (await load()).main(rest)

export {}
