// History rows: how committed events are written and read back as pages.
import type { Event, Override } from '../../schemas/event.ts'
import type { EventsPage } from '../../schemas/holon.ts'
import type { Db } from './db.ts'

export const EVENT_COLUMNS = [
  'seq',
  'id',
  'body',
  'digest',
  'kernel_version',
  'verdict',
  'torsion',
  'result',
  'override_reason',
  'committed_at',
] as const

interface EventRow extends Record<string, SqlStorageValue> {
  seq: number
  body: string
  kernel_version: number
  verdict: string
  torsion: number
  override_reason: string | null
  committed_at: string
}

export function eventsPage(db: Db, after: number, limit: number): EventsPage {
  const rows = db.all<EventRow>(
    `SELECT seq, body, kernel_version, verdict, torsion, override_reason, committed_at
     FROM events WHERE seq > ? ORDER BY seq LIMIT ?`,
    after,
    limit + 1,
  )
  const page = rows.slice(0, limit)
  return {
    events: page.map((r) => ({
      seq: r.seq,
      event: JSON.parse(r.body) as Event,
      kernel_version: r.kernel_version,
      verdict: r.verdict,
      torsion: r.torsion,
      override: r.override_reason === null ? null : (JSON.parse(r.override_reason) as Override),
      committed_at: r.committed_at,
    })),
    next_cursor: rows.length > limit ? String(page.at(-1)?.seq) : null,
  }
}
