// An embedding job's rows: its state, its spanning tree, the nodes placed so far, and the one-statement commit.
import type { PlaceCursor, TallyState } from '../../functions/routing/index.ts'
import type { EmbedJob, TopologyEmbedResult } from '../../schemas/topology.ts'
import type { Db } from '../shared/db.ts'

/** What a job stores between chunks (JSON in embed_job.state); the tree and the points are in their own tables. */
export interface JobRecord {
  job: string
  status: EmbedJob['status']
  phase: EmbedJob['phase']
  nodes: number
  /** Pairs asked for, and sampled (samplePairs of the topology, which the job re-derives on a cold start). */
  requested_pairs: number
  pairs: number
  dimension: number
  from_version: number
  chunk_steps: number
  alarms: number
  started_at: string
  updated_at: string
  plan: { slots: number; root: number; depth: number; radius_bound: number }
  cursor: PlaceCursor
  placed: number
  max_radius: number
  tally: TallyState
  result?: TopologyEmbedResult
  failure?: { code: string; detail: string }
}

export interface PlacedRow {
  slot: number
  x: number
  y: number
  half: number
}

export function loadJob(db: Db): JobRecord | undefined {
  const row = db.one<{ state: string }>('SELECT state FROM embed_job WHERE id = 1')
  return row && (JSON.parse(row.state) as JobRecord)
}

export function saveJob(db: Db, r: JobRecord): void {
  db.run('INSERT OR REPLACE INTO embed_job (id, state) VALUES (1, ?)', JSON.stringify(r))
}

export function saveTree(db: Db, order: Int32Array, parent: Int32Array): void {
  db.run(
    'INSERT OR REPLACE INTO embed_tree (id, ord, parent) VALUES (1, ?, ?)',
    order.slice().buffer as ArrayBuffer,
    parent.slice().buffer as ArrayBuffer,
  )
}

export function loadTree(db: Db): { order: Int32Array; parent: Int32Array } | undefined {
  const row = db.one<{ ord: ArrayBuffer; parent: ArrayBuffer }>(
    'SELECT ord, parent FROM embed_tree WHERE id = 1',
  )
  return row && { order: new Int32Array(row.ord), parent: new Int32Array(row.parent) }
}

/**
 * Stores newly placed nodes, 20 rows per statement. Never a node stored before: a chunk places only nodes after
 * the stored cursor, and a chunk whose transaction failed stored nothing.
 */
export function savePlaced(db: Db, rows: readonly (PlacedRow & { coords: Float64Array })[]): void {
  db.insertMany(
    'embed_coords',
    ['slot', 'x', 'y', 'half', 'coords'],
    rows.map((r) => [r.slot, r.x, r.y, r.half, r.coords.buffer as ArrayBuffer]),
  )
}

export const loadPlaced = (db: Db): PlacedRow[] =>
  db.all<{ slot: number; x: number; y: number; half: number }>('SELECT slot, x, y, half FROM embed_coords')

/** Every node's coordinates from the placed rows, in one statement (the commit must not be split). */
export function commitPlaced(db: Db): void {
  db.run(
    'UPDATE nodes SET coords = (SELECT e.coords FROM embed_coords e WHERE e.slot = nodes.slot) WHERE slot IN (SELECT slot FROM embed_coords)',
  )
  clearWork(db)
}

/** Drops a job's working rows (after its commit, failure or abandonment); its state row stays for GET. */
export function clearWork(db: Db): void {
  db.run('DELETE FROM embed_coords')
  db.run('DELETE FROM embed_tree')
}
