// Federation: peer artifacts (pinned keys), this holon's compatibility with them, drops, conflicts and flags.
import { enc, get } from './api.ts'
import { fill, h, num, table, time } from './dom.ts'

interface Peers {
  artifacts: { origin: string; mvk_id: string; kernel_version: number; issued_at: string }[]
  received: { origin: string; received_at: string; ledger_index: number }[]
  peers: number
  drops: Record<string, number>
  conflicts: { count: number; list: { origin: string; reason: string; n: number; last_at: string }[] }
  ledger: { origin: string; size: number }
}
interface Compat {
  peers: {
    peer: string
    kernel_version: number
    overlap: number
    only_local: string[]
    only_peer: string[]
    shared: { name: string; threshold_diff: number }[]
  }[]
}
interface Flags {
  flags: { origin: string; reason: string; detail: string; at: string }[]
}
interface Alerts {
  alerts: { origin: string; decision: string; threat: number; beat: number; issued_at: string }[]
}

export async function renderFederation(holon: string | null): Promise<void> {
  const [peers, flags, alerts, compat] = await Promise.all([
    get<Peers>('/v1/federation/peers'),
    get<Flags>('/v1/federation/flags'),
    get<Alerts>('/v1/federation/alerts'),
    holon ? get<Compat>(`/v1/holons/${enc(holon)}/compatibility`) : Promise.resolve({ peers: [] } as Compat),
  ])
  const drops = Object.entries(peers.drops)
  fill(
    'federation',
    h(
      'p',
      {},
      `${peers.peers} live peers · registry ledger ${peers.ledger.size} entries · ${peers.conflicts.count} conflicts`,
    ),
    h('h4', {}, 'Peer artifacts'),
    table(
      ['origin', 'kernel', 'version', 'issued'],
      peers.artifacts.map((a) => [a.origin, a.mvk_id, `v${a.kernel_version}`, time(a.issued_at)]),
      'peer-artifacts',
    ),
    h('h4', {}, holon ? `Compatibility of ${holon}` : 'Compatibility'),
    table(
      ['peer', 'version', 'overlap', 'threshold differences', 'only here', 'only there'],
      compat.peers.map((p) => [
        p.peer,
        `v${p.kernel_version}`,
        num(p.overlap, 2),
        p.shared.map((s) => `${s.name} ${num(s.threshold_diff, 3)}`).join(', '),
        p.only_local.join(', '),
        p.only_peer.join(', '),
      ]),
    ),
    h('h4', {}, 'Drops'),
    table(
      ['reason', 'count'],
      drops.map(([k, v]) => [k, v]),
    ),
    h('h4', {}, 'Conflicts and flags'),
    table(
      ['origin', 'what', 'detail', 'at'],
      [
        ...peers.conflicts.list.map((c) => [c.origin, c.reason, `${c.n}×`, time(c.last_at)]),
        ...flags.flags.map((f) => [f.origin, f.reason, f.detail, time(f.at)]),
      ],
      'flags',
    ),
    h('h4', {}, 'Peer alerts'),
    table(
      ['origin', 'decision', 'threat', 'beat', 'at'],
      alerts.alerts.slice(0, 10).map((a) => [a.origin, a.decision, num(a.threat), a.beat, time(a.issued_at)]),
    ),
  )
}
