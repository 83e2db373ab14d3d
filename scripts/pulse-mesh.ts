// `npm run pulse -- --mesh`: the simulated holon as a light node in a mesh. It publishes its pulse after each beat
// and moves its next beat by the bounded Kuramoto correction, with the holon object's own functions
// (durable-objects/holon/mesh-sync.ts: meshReading, meshPulse over functions/phase meshStep).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { meshPulse, meshReading } from '../durable-objects/holon/mesh-sync.ts'
import { nodeConfig } from '../p2p/config.ts'
import { loadIdentity } from '../p2p/identity.ts'
import { logger } from '../p2p/log.ts'
import { startNode } from '../p2p/node.ts'
import type { BeatMesh, KairosReading, PulseConfig } from '../schemas/pulse.ts'

export interface MeshBeat {
  /** Epoch ms of the next beat: the scheduled one moved by the correction. */
  next: number
  reading: BeatMesh | undefined
}

export async function joinMesh(port: number, peers: string[]) {
  // The node's identity lives only as long as the run: a temporary folder, removed on stop.
  const state = mkdtempSync(join(tmpdir(), 'omega-pulse-mesh-'))
  const config = nodeConfig({
    role: 'light',
    listen: [`/ip4/127.0.0.1/tcp/${port}`],
    peers,
    state,
    inbound_per_second: 100,
    log: 'warn',
  })
  const node = await startNode(config, (await loadIdentity(config.key)).key, logger('warn'))
  const origin = `pulse-cli-${node.peerId.slice(-8).toLowerCase()}.local`
  return {
    addr: String(node.addrs()[0]),
    /**
     * At a beat: read the peers' live pulses against our scheduled next beat, correct it as the holon's alarm
     * does (never into the past), and publish our pulse with the corrected next beat.
     */
    beat(
      config: PulseConfig,
      prevNext: number,
      nowMs: number,
      sync: KairosReading['sync'],
      mlWeight: number,
    ): MeshBeat {
      const scheduled =
        prevNext + config.period_ms > nowMs ? prevNext + config.period_ms : nowMs + config.period_ms
      const pulses = node.phase.peerPulses()
      const live = new Set(pulses.map((p) => p.node)).size
      const reading = meshReading(config, { live_peers: live, pulses }, scheduled, nowMs, sync)
      const moved = Math.round(scheduled - (reading?.correction_ms ?? 0))
      const next = moved > nowMs ? moved : scheduled
      const pulse = meshPulse('pulse-cli', origin, config, nowMs, next, sync, mlWeight)
      node.phase.setLocal(pulse ? [pulse] : null)
      return { next, reading }
    },
    async stop(): Promise<void> {
      try {
        await node.stop()
      } finally {
        rmSync(state, { recursive: true, force: true })
      }
    },
  }
}
