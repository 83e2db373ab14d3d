// A stored topology on the Poincaré disk with a route (from POST /v1/route, stateless) drawn on it.
import { enc, get, route } from './api.ts'
import { $, fill, h } from './dom.ts'
import { type DiskNode, drawDisk } from './poincare.ts'

/** Nodes drawn at most: past this the disk is a blur, and the page stays light. */
export const MAX_NODES = 2000

interface RouteAnswer {
  greedy?: { status: string; path: string[]; hops: number }
}

let nodes: DiskNode[] = []

export async function renderTopologies(): Promise<void> {
  const list = await get<{ topologies: { id: string }[] }>('/v1/topologies?limit=100')
  const select = h('select', { id: 'topology-select' }) as HTMLSelectElement
  for (const t of list.topologies) select.append(h('option', { value: t.id }, t.id))
  select.onchange = () => void showTopology(select.value)
  fill(
    'topology-picker',
    list.topologies.length ? select : h('span', { class: 'muted' }, 'no stored topology'),
  )
  if (list.topologies[0]) await showTopology(list.topologies[0].id)
}

async function showTopology(name: string): Promise<void> {
  nodes = []
  for (let cursor: string | null = '0'; cursor !== null && nodes.length < MAX_NODES; ) {
    const page: { nodes: DiskNode[]; next_cursor: string | null } = await get(
      `/v1/topologies/${enc(name)}/nodes?cursor=${cursor}&limit=1000`,
    )
    nodes.push(...page.nodes)
    cursor = page.next_cursor
  }
  const pick = (id: string, chosen: string | undefined) => {
    const s = h('select', { id }) as HTMLSelectElement
    for (const n of nodes)
      s.append(h('option', n.id === chosen ? { value: n.id, selected: '' } : { value: n.id }, n.id))
    s.onchange = () => void drawRoute(name)
    return s
  }
  fill('route-picker', 'from ', pick('route-from', nodes[0]?.id), ' to ', pick('route-to', nodes.at(-1)?.id))
  await drawRoute(name)
}

async function drawRoute(name: string): Promise<void> {
  const source = ($('route-from') as HTMLSelectElement).value
  const target = ($('route-to') as HTMLSelectElement).value
  let path: string[] = []
  let label = ''
  try {
    const r = await route<RouteAnswer>({
      topology_name: name,
      source,
      target: { node: target },
      algorithm: 'greedy_forwarding',
    })
    path = r.greedy?.path ?? []
    label = r.greedy
      ? `greedy route ${r.greedy.status}: ${r.greedy.hops} hops (${path.join(' → ')})`
      : 'no route'
  } catch (e) {
    label = `no route: ${(e as Error).message}`
  }
  drawDisk($('disk'), nodes, path)
  fill('route-info', h('span', { 'data-testid': 'route-info' }, label))
}
