// One organisation's worker for end-to-end tests: workerd via wrangler's unstable_startWorker on a loopback port,
// its own temporary storage and ledger origin `<name>.example`, the given admin and bridge tokens.
import { join } from 'node:path'
import { unstable_startWorker } from 'wrangler'
import { tmp } from './support.ts'

export type Worker = Awaited<ReturnType<typeof unstable_startWorker>>

export async function organisation(
  name: string,
  port: number,
  tokens: { admin: string; bridge: string },
): Promise<{ worker: Worker; url: string }> {
  const worker = await unstable_startWorker({
    config: 'wrangler.toml',
    dev: {
      server: { hostname: '127.0.0.1', port },
      inspector: false,
      persist: join(tmp(), name),
      logLevel: 'none',
    },
    bindings: {
      OMEGA_ADMIN_TOKEN: { type: 'plain_text', value: tokens.admin },
      OMEGA_WRITE_TOKEN: { type: 'plain_text', value: `${name}-write` },
      OMEGA_BRIDGE_TOKEN: { type: 'plain_text', value: tokens.bridge },
      OMEGA_LEDGER_ORIGIN: { type: 'plain_text', value: `${name}.example` },
    },
  } as never)
  await worker.ready
  return { worker, url: String(await worker.url).replace(/\/$/, '') }
}
