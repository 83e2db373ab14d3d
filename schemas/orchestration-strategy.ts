// orchestration_strategy: when a strategy applies and its scaling, placement and resilience policies (MOM v2 seed).
import { z } from '@hono/zod-openapi'

export const Situation = z
  .strictObject({
    workload_type: z.enum(['batch', 'streaming', 'interactive', 'ml_training']).optional(),
    resource_pressure: z.enum(['low', 'medium', 'high', 'critical']).optional(),
    anomaly_flags: z.array(z.string().max(100)).max(50).default([]),
  })
  .openapi('Situation', { description: 'the runtime situation a strategy is matched against' })

export const OrchestrationStrategy = z
  .strictObject({
    strategy_id: z.string().min(1).max(128),
    trigger_conditions: z
      .strictObject({
        workload_types: z
          .array(z.enum(['batch', 'streaming', 'interactive', 'ml_training']))
          .max(4)
          .optional(),
        resource_pressure: z
          .array(z.enum(['low', 'medium', 'high', 'critical']))
          .max(4)
          .optional(),
        anomaly_flags: z
          .array(z.string().max(100))
          .max(50)
          .default([])
          .describe('all of these must be raised'),
      })
      .prefault({}),
    scaling_policy: z
      .strictObject({
        method: z.enum(['predictive', 'reactive', 'manual']).default('reactive'),
        min_replicas: z.number().int().min(0).max(1000).default(1),
        max_replicas: z.number().int().min(1).max(1000).default(10),
        cooldown_seconds: z.number().min(0).max(86_400).default(300),
        target_metrics: z
          .array(z.strictObject({ metric: z.string().min(1).max(64), target: z.number() }))
          .max(20)
          .default([]),
      })
      .refine((s) => s.min_replicas <= s.max_replicas, {
        message: 'min_replicas must not exceed max_replicas',
      })
      .prefault({}),
    placement_policy: z
      .strictObject({
        geometric_affinity: z
          .strictObject({
            center: z.array(z.number()).min(2).max(512),
            max_distance: z.number().gt(0).describe('hyperbolic distance (curvature -kappa) from the centre'),
          })
          .optional(),
        preferred_regions: z.array(z.string().max(64)).max(100).default([]),
        avoid_nodes: z.array(z.string().max(128)).max(10_000).default([]),
        locality_constraints: z
          .array(z.strictObject({ near: z.string().max(128), max_distance: z.number().gt(0) }))
          .max(20)
          .default([]),
      })
      .prefault({}),
    resilience_policy: z
      .strictObject({
        redundancy_level: z.enum(['none', 'n_plus_1', 'n_plus_2', 'quorum']).default('none'),
        failover_strategy: z.enum(['active_passive', 'active_active', 'n_plus_1']).default('active_passive'),
      })
      .prefault({}),
  })
  .openapi('OrchestrationStrategy', {
    description: 'orchestration_strategy: a policy for a kind of situation',
  })

export type Situation = z.infer<typeof Situation>
export type OrchestrationStrategy = z.infer<typeof OrchestrationStrategy>
