// Loads one example holon on `npm start`: created with the template's kernel and seed the first time; an existing
// holon is never changed (an admin may have changed its kernel since), and a differing template is reported.
import type { Template } from './template.ts'

/** One HTTP call to the worker: status and parsed body (injected: fetch in start.ts, SELF.fetch in tests). */
export type Call = (
  method: string,
  path: string,
  body: unknown,
  token?: string,
) => Promise<{ status: number; body: unknown }>

export type LoadOutcome = 'created' | 'unchanged' | 'kept'

export class LoadError extends Error {
  override name = 'LoadError'
}

export async function loadHolon(
  call: Call,
  t: Template,
  tokens: { admin?: string; write?: string },
  say: (line: string) => void,
): Promise<LoadOutcome> {
  // Creating is idempotent: 201 created, 200 exists with this very kernel, 409 exists with another one.
  const created = await call('PUT', `/v1/holons/${t.holon}`, { kernel: t.kernel }, tokens.admin)
  if (created.status === 409) {
    const info = await call('GET', `/v1/holons/${t.holon}`, undefined, tokens.admin)
    const version = (info.body as { kernel_version?: number } | null)?.kernel_version ?? '?'
    say(
      `  kept ${t.holon}: its kernel (version ${version}) differs from bootstrap/holons; ` +
        'npm start never changes an existing holon. To adopt the template: PUT /v1/holons/' +
        `${t.holon}/kernel with the admin token.`,
    )
    return 'kept'
  }
  if (created.status === 200) {
    say(`  ${t.holon}: already loaded, unchanged`)
    return 'unchanged'
  }
  if (created.status !== 201)
    throw new LoadError(`PUT /v1/holons/${t.holon}: ${created.status} ${JSON.stringify(created.body)}`)
  const seeded = await call('POST', `/v1/holons/${t.holon}/events`, { events: t.seed }, tokens.write)
  if (seeded.status >= 300)
    throw new LoadError(`seeding ${t.holon}: ${seeded.status} ${JSON.stringify(seeded.body)}`)
  say(`  loaded ${t.holon}: ${Object.keys(t.kernel.invariants).length} invariants, ${t.seed.length} events`)
  return 'created'
}
