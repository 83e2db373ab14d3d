// The node's link to its own worker: pull the outbox with a persisted cursor, deliver verified peer artifacts.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RhizomeAlert, RhizomeArtifact } from '../functions/rhizome/index.ts'
import type { MeshPulse } from '../schemas/federation.ts'

export class BridgeError extends Error {
  override name = 'BridgeError'
}

export interface InboxResult {
  origin: string | null
  outcome: string
  detail?: string
}

export class Bridge {
  private readonly cursorFile: string
  private readonly worker: string
  private readonly token: string

  constructor(worker: string, token: string, stateDir: string) {
    this.worker = worker.replace(/\/$/, '')
    this.token = token
    mkdirSync(stateDir, { recursive: true, mode: 0o700 })
    this.cursorFile = join(stateDir, 'outbox.cursor')
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.worker}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    })
    if (!res.ok) throw new BridgeError(`${method} ${path}: ${res.status} ${await res.text()}`)
    return (await res.json()) as T
  }

  get cursor(): number {
    return existsSync(this.cursorFile) ? Number(readFileSync(this.cursorFile, 'utf8')) || 0 : 0
  }

  /** What the worker queued since the last call; the cursor advances only after the caller published it. */
  async pull(): Promise<{ artifacts: RhizomeArtifact[]; alerts: RhizomeAlert[]; commit: () => void }> {
    type Message = { seq: number } & (
      | { kind: 'artifact'; payload: RhizomeArtifact }
      | { kind: 'alert'; payload: RhizomeAlert }
    )
    const page = await this.call<{ messages: Message[]; next_cursor: number }>(
      'GET',
      `/v1/federation/outbox?cursor=${this.cursor}&limit=100`,
    )
    return {
      artifacts: page.messages.flatMap((m) => (m.kind === 'artifact' ? [m.payload] : [])),
      alerts: page.messages.flatMap((m) => (m.kind === 'alert' ? [m.payload] : [])),
      commit: () => writeFileSync(this.cursorFile, String(page.next_cursor), { mode: 0o600 }),
    }
  }

  async presence(node: string, livePeers: number): Promise<void> {
    await this.call('POST', '/v1/federation/presence', { node, live_peers: livePeers })
  }

  /** Our organisation's running holons' latest beats (what the phase service publishes). */
  async pulses(): Promise<MeshPulse[]> {
    return (await this.call<{ pulses: MeshPulse[] }>('GET', '/v1/federation/pulses')).pulses
  }

  /** Peers' pulses received from one sending node (at most 1,000 a call). */
  async phases(
    node: string,
    pulses: MeshPulse[],
  ): Promise<{ accepted: number; dropped: Record<string, number> }> {
    return await this.call('POST', '/v1/federation/phases', { node, pulses })
  }

  async alert(a: RhizomeAlert): Promise<void> {
    await this.call('POST', '/v1/federation/alerts', a)
  }

  /** The worker's current artifacts (for peers that catch up). */
  async local(): Promise<RhizomeArtifact[]> {
    return (await this.call<{ artifacts: RhizomeArtifact[] }>('GET', '/v1/federation/artifacts')).artifacts
  }

  /** The holon's latest signed checkpoint note. */
  async checkpoint(holon: string): Promise<string> {
    return (await this.call<{ note: string }>('GET', `/v1/holons/${holon}/ledger/checkpoint`)).note
  }

  async consistency(holon: string, from: number, to: number): Promise<string[]> {
    const q = `from=${from}&to=${to}`
    return (await this.call<{ proof: string[] }>('GET', `/v1/holons/${holon}/ledger/proof/consistency?${q}`))
      .proof
  }

  async cosignature(c: unknown): Promise<void> {
    await this.call('POST', '/v1/federation/cosignatures', c)
  }

  async flag(f: unknown): Promise<void> {
    await this.call('POST', '/v1/federation/flags', f)
  }

  async deliver(artifacts: RhizomeArtifact[]): Promise<InboxResult[]> {
    return (await this.call<{ results: InboxResult[] }>('POST', '/v1/federation/inbox', { artifacts }))
      .results
  }
}
