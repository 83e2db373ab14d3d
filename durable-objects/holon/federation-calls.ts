// The holon's calls to its deployment's federation registry: announcing artifacts, live peers, pulse alerts.
import { ALERT_TYPE, type RhizomeArtifact, signAlert } from '../../functions/rhizome/index.ts'
import type { MeshPulse } from '../../schemas/federation.ts'
import type { BeatSnapshot } from '../../schemas/pulse.ts'
import type { SqlLedger } from '../shared/sql-ledger.ts'

const registry = (env: Env) => env.FEDERATION.getByName('federation')

/** Queues an artifact for the federation node; a failure is logged, the holon's change stands. */
export async function announce(env: Env, artifact: RhizomeArtifact): Promise<void> {
  try {
    await registry(env).publish(artifact)
  } catch (e) {
    console.error('federation announce failed', e)
  }
}

/** P for T_Lambda: live peer nodes of this organisation's federation node (0 when unreachable). */
export async function livePeers(env: Env): Promise<number> {
  try {
    return await registry(env).livePeers()
  } catch {
    return 0
  }
}

/** What the registry knows of the mesh: live peer nodes, and every live pulse but the asking holon's own. */
export interface MeshView {
  live_peers: number
  pulses: (MeshPulse & { node: string; received_ms: number })[]
}

/** Before a beat: P's live peers and the pulses to couple to (alone, with no pulses, when unreachable). */
export async function meshView(env: Env, holon: string): Promise<MeshView> {
  try {
    return await registry(env).meshView(holon)
  } catch (e) {
    console.error('mesh view failed', e)
    return { live_peers: 0, pulses: [] }
  }
}

/** After a beat's transaction: the beat goes to the registry, for the node to publish; a failure is logged. */
export async function reportPulse(env: Env, p: MeshPulse): Promise<void> {
  try {
    await registry(env).reportPulse(p)
  } catch (e) {
    console.error('mesh report failed', e)
  }
}

/** The pulse stopped or left the mesh: its last report is withdrawn from the registry; a failure is logged. */
export async function forgetPulse(env: Env, holon: string): Promise<void> {
  try {
    await registry(env).forgetPulse(holon)
  } catch (e) {
    console.error('mesh withdrawal failed', e)
  }
}

/** An ALERT or QUARANTINE beat goes to peers, signed by the holon key, through the federation node. */
export async function raiseAlert(
  env: Env,
  ledger: SqlLedger,
  holon: string,
  beat: BeatSnapshot,
  at: string,
): Promise<void> {
  if (beat.decision !== 'ALERT' && beat.decision !== 'QUARANTINE') return
  const alert = signAlert(
    {
      type: ALERT_TYPE,
      v: 1,
      holon,
      origin: ledger.origin,
      verifier_key: ledger.verifierKey,
      decision: beat.decision,
      threat: beat.cores.entropy.threat,
      beat: beat.beat,
      issued_at: at,
    },
    (bytes) => ledger.sign(bytes),
  )
  await registry(env)
    .publishAlert(alert)
    .catch((e: unknown) => console.error('alert publication failed', e))
}
