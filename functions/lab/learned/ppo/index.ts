// The learned scaling policy (PPO): pure network, PPO pieces and the policy's forward pass; training lives in
// scripts/train-ppo.ts, the simulator controller in bench/lab-ppo-controller.ts.
export * from './mlp.ts'
export * from './policy.ts'
export * from './ppo.ts'
export * from './update.ts'
