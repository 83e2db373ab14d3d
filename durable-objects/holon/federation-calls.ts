// The holon's calls to its deployment's federation registry: announcing artifacts, peer alerts and presence, the
// mesh's pulses, pulse alerts.
import {
  ALERT_TYPE,
  type RhizomeAlert,
  type RhizomeArtifact,
  signAlert,
} from '../../functions/rhizome/index.ts'
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

/**
 * What a beat reads from the registry, in one call: the verified peer alerts since the pulse's cursor with the node's
 * presence, and the mesh's live pulses but this holon's own. Unreachable: nothing new, alone.
 */
export async function beatContext(
  env: Env,
  holon: string,
  sinceId: number | null,
): Promise<{ feed: PeerFeed; view: MeshView }> {
  try {
    return await registry(env).beatContext(holon, sinceId)
  } catch (e) {
    console.error('federation registry unavailable before a beat', e)
    return {
      feed: { alerts: [], next_id: sinceId, live_peers: null },
      view: { live_peers: 0, pulses: [] },
    }
  }
}

export interface PeerFeed {
  alerts: { id: number; alert: RhizomeAlert; artifact: RhizomeArtifact | null }[]
  /** the cursor after these alerts (null: unreachable before any cursor was set) */
  next_id: number | null
  live_peers: number | null
}

/** What the registry knows of the mesh: live peer nodes, and every live pulse but the asking holon's own. */
export interface MeshView {
  live_peers: number
  pulses: (MeshPulse & { node: string; received_ms: number })[]
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
