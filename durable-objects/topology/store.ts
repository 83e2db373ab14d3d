// Reading and writing a topology's rows: slots on disk are the in-memory slots, so removals never renumber.
import { Topology } from '../../functions/routing/index.ts'
import type { Db } from '../shared/db.ts'

export interface Meta {
  name: string
  dimension: number
  version: number
  updated_at: string
}

const blob = (t: Topology, i: number): ArrayBuffer =>
  t.coords.slice(i * t.dim, (i + 1) * t.dim).buffer as ArrayBuffer

export function loadMeta(db: Db): Meta | undefined {
  const rows = db.all<{ k: string; v: string }>('SELECT k, v FROM meta')
  if (rows.length === 0) return undefined
  const m = Object.fromEntries(rows.map((r) => [r.k, r.v]))
  return {
    name: m.name as string,
    dimension: Number(m.dimension),
    version: Number(m.version),
    updated_at: m.updated_at as string,
  }
}

export function saveMeta(db: Db, m: Meta): void {
  db.run(
    'INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?), (?, ?), (?, ?), (?, ?)',
    'name',
    m.name,
    'dimension',
    String(m.dimension),
    'version',
    String(m.version),
    'updated_at',
    m.updated_at,
  )
}

export function loadTopology(db: Db, dimension: number): Topology {
  const t = new Topology(dimension)
  for (const r of db.all<{
    slot: number
    id: string
    coords: ArrayBuffer
    load: number
    region: string | null
  }>('SELECT slot, id, coords, load, region FROM nodes ORDER BY slot')) {
    while (t.slots < r.slot) t.skipSlot()
    t.addNode({
      id: r.id,
      coords: Array.from(new Float64Array(r.coords)),
      load: r.load,
      region: r.region ?? undefined,
    })
  }
  // (a, b) is the table's primary key and a < b: every row is a new edge
  for (const e of db.all<{ a: number; b: number }>('SELECT a, b FROM edges')) t.link(e.a, e.b)
  return t
}

export function insertNodes(db: Db, t: Topology, slots: readonly number[]): void {
  db.insertMany(
    'nodes',
    ['slot', 'id', 'coords', 'load', 'region'],
    slots.map((i) => [i, t.ids[i] as string, blob(t, i), t.load[i] as number, t.region[i] ?? null]),
  )
}

export function updateCoords(db: Db, t: Topology, slots: readonly number[]): void {
  for (const i of slots) db.run('UPDATE nodes SET coords = ? WHERE slot = ?', blob(t, i), i)
}

export const edgeRow = (a: number, b: number): [number, number] => (a < b ? [a, b] : [b, a])
