// Runs the worker locally with `wrangler dev` (workerd, local SQLite Durable Objects) and waits until it answers.
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const root = fileURLToPath(new URL('..', import.meta.url))

export interface DevServer {
  base: string
  child: ChildProcess
  stop(): void
}

export interface DevOptions {
  port: number
  /** Extra `wrangler dev` arguments (e.g. --persist-to, --var). */
  args?: string[]
  /** Show wrangler's own output (npm start) or keep it quiet (benchmarks). */
  quiet?: boolean
  /** The project checkout to run (benchmarks run an older commit side by side). */
  cwd?: string
}

export async function startDev({
  port,
  args = [],
  quiet = false,
  cwd = root,
}: DevOptions): Promise<DevServer> {
  const base = `http://127.0.0.1:${port}`
  // Wrangler runs under this same Node (>= 22), whatever `node` is first on PATH.
  const child = spawn(
    process.execPath,
    [
      `${cwd}/node_modules/wrangler/bin/wrangler.js`,
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--show-interactive-dev-session=false',
      ...args,
    ],
    {
      cwd,
      stdio: ['ignore', quiet ? 'ignore' : 'inherit', quiet ? 'ignore' : 'inherit'],
      env: process.env,
    },
  )
  let failed: Error | undefined
  child.on('error', (e) => {
    failed = e
  })
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGTERM')
  }
  for (let i = 0; i < 240; i++) {
    if (failed) throw failed
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with code ${child.exitCode}`)
    try {
      if ((await fetch(`${base}/`)).ok) return { base, child, stop }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500))
  }
  stop()
  throw new Error(`the worker did not answer on ${base} within 2 minutes`)
}

/** A JSON call with a bearer token; throws on a non-2xx answer. */
export async function send(
  base: string,
  method: string,
  path: string,
  body: unknown,
  token?: string,
): Promise<unknown> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`)
  return JSON.parse(text)
}
