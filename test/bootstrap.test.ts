// The example holons: each template's kernel compiles, its seed commits cleanly, and its "try" events
// get the verdicts their authors wrote down. And what `npm start` does with them and with .dev.vars.
import { describe, expect, it } from 'vitest'
import {
  completeDevVars,
  completeJwtKeys,
  DEFAULT_ORIGIN,
  GENERATED_TOKENS,
  ORIGIN_VAR,
  parseDevVars,
} from '../bootstrap/dev-vars.ts'
import { loadHolon } from '../bootstrap/load.ts'
import { loadTemplate, type Template } from '../bootstrap/template.ts'
import { ADMIN, call, commit, createHolon, freshId, WRITE } from './support/http.ts'

const BRIDGE = 'test-bridge-token'

const templates = import.meta.glob<unknown>('../bootstrap/holons/*.json', { eager: true, import: 'default' })

describe('bootstrap templates', () => {
  it('include the three example domains', () => {
    expect(
      Object.values(templates)
        .map((t) => loadTemplate(t).holon)
        .sort(),
    ).toEqual(['brussels-tax', 'circular-economy', 'logistics'])
  })

  for (const [file, json] of Object.entries(templates)) {
    const t = loadTemplate(json)
    it(`${file}: seed admitted, try events judged as documented`, async () => {
      const id = await createHolon(t.kernel)
      const seeded = await commit(id, { events: t.seed })
      expect(seeded.status).toBe(201)
      for (const r of seeded.body.results) expect(r.verdict).toBe('admit')
      for (const x of t.try) {
        const r = await call('POST', `/v1/holons/${id}/evaluate`, { event: x.event })
        expect(r.body.results[0].verdict, x.title).toBe(x.expect)
      }
    })
  }
})

describe('npm start', () => {
  const [first] = Object.values(templates).map(loadTemplate) as [Template]

  it('never changes an existing holon: an admin kernel change survives a restart, and the difference is said', async () => {
    const t = { ...first, holon: freshId('start') }
    const said: string[] = []
    const tokens = { admin: ADMIN, write: WRITE }
    expect(await loadHolon(call, t, tokens, (l) => said.push(l))).toBe('created')
    const seeded = (await call('GET', `/v1/holons/${t.holon}`)).body
    expect(seeded.kernel_version).toBe(1)

    const [name, inv] = Object.entries(t.kernel.invariants)[0] as [string, { threshold: number }]
    const edited = {
      ...t.kernel,
      invariants: {
        ...t.kernel.invariants,
        [name]: { ...inv, threshold: inv.threshold === 0.5 ? 0.6 : 0.5 },
      },
    }
    expect((await call('PUT', `/v1/holons/${t.holon}/kernel`, { kernel: edited }, ADMIN)).status).toBe(200)
    const before = (await call('GET', `/v1/holons/${t.holon}`)).body
    const cursor = (await call('GET', '/v1/federation/outbox?limit=500', undefined, BRIDGE)).body.next_cursor

    expect(await loadHolon(call, t, tokens, (l) => said.push(l))).toBe('kept') // the restart
    const after = (await call('GET', `/v1/holons/${t.holon}`)).body
    expect(after.kernel_version).toBe(before.kernel_version)
    expect(after.kernel_digest).toBe(before.kernel_digest)
    expect(after.kernel.invariants[name].threshold).toBe(edited.invariants[name]?.threshold)
    expect(said.at(-1)).toMatch(new RegExp(`kept ${t.holon}: its kernel \\(version 2\\) differs`))
    // Nothing new is published to peers either.
    const page = (await call('GET', `/v1/federation/outbox?cursor=${cursor}`, undefined, BRIDGE)).body
    expect(
      page.messages.filter(
        (m: { holon?: string; payload: { holon: string } }) => m.payload.holon === t.holon,
      ),
    ).toEqual([])
  })

  it('leaves a holon that already has the template kernel unchanged (no second seed)', async () => {
    const t = { ...first, holon: freshId('start') }
    const tokens = { admin: ADMIN, write: WRITE }
    expect(await loadHolon(call, t, tokens, () => {})).toBe('created')
    const state = async () => (await call('GET', `/v1/holons/${t.holon}/events?limit=500`)).body
    const events = await state()
    expect(await loadHolon(call, t, tokens, () => {})).toBe('unchanged')
    expect(await state()).toEqual(events)
  })

  it('gives each installation its own ledger origin in .dev.vars on first start, and reuses it', () => {
    let n = 0
    const random = () => `Rnd-${n++}_x`
    const fresh = completeDevVars(undefined, random)
    const vars = parseDevVars(fresh.append)
    expect(fresh.generated).toEqual([...GENERATED_TOKENS, ORIGIN_VAR])
    expect(vars[ORIGIN_VAR]).toMatch(/^omega-[a-z0-9]+\.local$/)
    expect(vars[ORIGIN_VAR]).not.toBe(DEFAULT_ORIGIN)
    const other = parseDevVars(completeDevVars(undefined, random).append)
    expect(other[ORIGIN_VAR]).not.toBe(vars[ORIGIN_VAR])
    // A second start: nothing to add, the origin is reused.
    expect(completeDevVars(fresh.append, random)).toEqual({ append: '', generated: [] })
    // An older .dev.vars with tokens only gets an origin, and keeps its tokens.
    const old = 'OMEGA_WRITE_TOKEN=w\nOMEGA_ADMIN_TOKEN=a\nOMEGA_BRIDGE_TOKEN=b\n'
    const upgraded = completeDevVars(old, random)
    expect(upgraded.generated).toEqual([ORIGIN_VAR])
    expect(parseDevVars(old + upgraded.append)).toMatchObject({
      OMEGA_WRITE_TOKEN: 'w',
      OMEGA_ADMIN_TOKEN: 'a',
    })
    // One the admin chose is kept.
    expect(completeDevVars(`${old}${ORIGIN_VAR}=coop.example\n`, random).generated).toEqual([])
  })

  it('adds one tenant-credential key (HS256, 32 random bytes) and its active kid once, and keeps existing keys', () => {
    const random = (n: number) => 'x'.repeat(Math.ceil((n * 4) / 3))
    const first = completeJwtKeys('OMEGA_WRITE_TOKEN=w\n', random)
    const vars = parseDevVars(first.append)
    const keys = JSON.parse(vars.OMEGA_JWT_KEYS as string) as Record<string, string>
    expect(Object.keys(keys)).toEqual([vars.OMEGA_JWT_ACTIVE_KID])
    expect(Object.values(keys)[0]?.length).toBeGreaterThanOrEqual(32)
    expect(completeJwtKeys(`OMEGA_WRITE_TOKEN=w\n${first.append}`, random)).toEqual({
      append: '',
      generated: [],
    })
  })
})
