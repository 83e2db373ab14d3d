// The claim of docs/orchestrator.md on the default trace: the orchestrator misses its SLA for fewer minutes than
// the HPA baseline at no more replica-hours, and each of its decisions replays from its inputs.
import { describe, expect, it } from 'vitest'
import { compare, HpaController, makeTrace, OrchestratorController } from '../../bench/simulate/index.ts'
import { planTick } from '../../functions/orchestrator/index.ts'

describe('the orchestrator against HPA (npm run simulate, seed 1)', () => {
  it('fewer SLA-violation minutes at no more replica-hours, and faster recovery from the region outage', () => {
    const trace = makeTrace({ seed: 1, minutes: 1440 })
    const orchestrator = new OrchestratorController({}, 'Omega orchestrator', 3)
    const [omega, hpa] = compare(trace, [orchestrator, new HpaController()], {
      startup_seconds: 120,
    }).controllers
    if (!omega || !hpa) throw new Error('two controllers ran')
    expect(omega.sla_violation_minutes).toBeLessThan(hpa.sla_violation_minutes)
    expect(omega.replica_hours).toBeLessThanOrEqual(hpa.replica_hours)
    expect(Number(omega.recovery_region_outage_min)).toBeLessThan(Number(hpa.recovery_region_outage_min))
    // the controller's first ticks, replayed from their inputs: the same plans bit for bit
    expect(orchestrator.digests).toHaveLength(3)
    for (const d of orchestrator.digests)
      expect(planTick(structuredClone(d.input)).doc.plan_digest).toBe(d.plan_digest)
  }, 420_000) // ~125 s alone on the 2-core machine; several times that when it shares the cores
})
