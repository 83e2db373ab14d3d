// A wrangler dev for one benchmark: a fresh persistence folder and fresh write/admin tokens, all removed on close.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type DevServer, startDev } from '../bootstrap/dev-server.ts'

export interface BenchServer extends DevServer {
  write: string
  admin: string
  dir: string
  /** Stops the runtime and removes its folder. */
  close: () => void
}

/** `name` names the temporary folder; `args` go to wrangler dev after the persistence folder and the tokens. */
export async function benchServer(name: string, args: string[] = []): Promise<BenchServer> {
  const write = randomBytes(18).toString('base64url')
  const admin = randomBytes(18).toString('base64url')
  const dir = mkdtempSync(join(tmpdir(), `omega-${name}-`))
  try {
    const dev = await startDev({
      port: 8700 + Math.floor(Math.random() * 300),
      quiet: true,
      args: [
        '--persist-to',
        dir,
        '--var',
        `OMEGA_WRITE_TOKEN:${write}`,
        '--var',
        `OMEGA_ADMIN_TOKEN:${admin}`,
        ...args,
      ],
    })
    const close = () => {
      dev.stop()
      rmSync(dir, { recursive: true, force: true })
    }
    return { ...dev, write, admin, dir, close }
  } catch (e) {
    rmSync(dir, { recursive: true, force: true })
    throw e
  }
}
