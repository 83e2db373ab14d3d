// The outbox service: pulls what our worker queued (artifacts, alerts) with a persisted cursor, publishes it,
// and reports the live peer count. A libp2p service so that node.stop() ends the polling too.
import type { Startable } from '@libp2p/interface'
import type { Alerts } from './alerts.ts'
import type { Bridge } from './bridge.ts'
import type { NodeComponents, ServiceInit } from './components.ts'
import type { PhaseSync } from './phase.ts'
import type { Rhizome } from './rhizome.ts'

export interface OutboxInit extends ServiceInit {
  pollMs: number
}

type Components = NodeComponents & { rhizome: Rhizome; alerts: Alerts; phase: PhaseSync }

export class Outbox implements Startable {
  running = false
  private timer?: ReturnType<typeof setTimeout>
  private readonly c: Components
  private readonly init: OutboxInit

  constructor(components: Components, init: OutboxInit) {
    this.c = components
    this.init = init
  }

  start(): void {
    this.running = true
  }

  afterStart(): void {
    if (this.init.bridge) void this.poll(this.init.bridge)
  }

  stop(): void {
    this.running = false
    clearTimeout(this.timer)
    this.timer = undefined
  }

  private async poll(bridge: Bridge): Promise<void> {
    if (!this.running) return
    try {
      const { artifacts, alerts, commit } = await bridge.pull()
      for (const a of artifacts) if (this.running) await this.c.rhizome.publish(a)
      for (const a of alerts) if (this.running) await this.c.alerts.publish(a)
      if (this.running) commit()
      await bridge.presence(this.c.peerId.toString(), this.c.phase.report().peers)
    } catch (e) {
      if (this.running) this.init.log('warn', 'outbox poll failed', { error: (e as Error).message })
    }
    if (this.running) this.timer = setTimeout(() => void this.poll(bridge), this.init.pollMs)
  }
}

/** The libp2p service factory (after `rhizome`, `alerts` and `phase`, which it publishes through). */
export const outbox =
  (init: OutboxInit) =>
  (components: Components): Outbox =>
    new Outbox(components, init)
