// Baseline for the pulse benchmark: an object that, per alarm, writes one row in one transaction and sets the
// next alarm, and nothing else. Beats of real holons are compared with it in the same local runtime.
import { DurableObject } from 'cloudflare:workers'

interface BareEnv {
  BEAT: DurableObjectNamespace<Beat>
}

export class Beat extends DurableObject<BareEnv> {
  constructor(ctx: DurableObjectState, env: BareEnv) {
    super(ctx, env)
    ctx.storage.sql.exec(
      'CREATE TABLE IF NOT EXISTS pulse (id INTEGER PRIMARY KEY CHECK (id = 1), period INTEGER NOT NULL, next_at INTEGER NOT NULL)',
    )
    ctx.storage.sql.exec(
      'CREATE TABLE IF NOT EXISTS pulse_beats (beat INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL)',
    )
  }

  async start(period: number, first: number): Promise<void> {
    this.ctx.storage.sql.exec(
      'INSERT OR REPLACE INTO pulse (id, period, next_at) VALUES (1, ?, ?)',
      period,
      first,
    )
    await this.ctx.storage.setAlarm(first)
  }

  override async alarm(): Promise<void> {
    const row = this.ctx.storage.sql
      .exec<{ period: number; next_at: number }>('SELECT period, next_at FROM pulse')
      .one()
    const now = Date.now()
    this.ctx.storage.transactionSync(() => {
      this.ctx.storage.sql.exec('INSERT INTO pulse_beats (at_ms) VALUES (?)', now)
      this.ctx.storage.sql.exec('UPDATE pulse SET next_at = ?', row.next_at + row.period)
    })
    await this.ctx.storage.setAlarm(Math.max(now, row.next_at + row.period))
  }
}

export default {
  async fetch(request: Request, env: BareEnv): Promise<Response> {
    const url = new URL(request.url)
    if (request.method === 'GET') return new Response('bare alarm baseline')
    const id = url.searchParams.get('id') ?? ''
    const period = Number(url.searchParams.get('period'))
    const first = Number(url.searchParams.get('first'))
    if (request.method !== 'POST' || !id || !(period > 0) || !(first > 0))
      return new Response('POST ?id=&period=&first=', { status: 400 })
    await env.BEAT.getByName(id).start(period, first)
    return new Response(null, { status: 204 })
  },
}
