import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { send, startDev } from '../bootstrap/dev-server.ts'
import { benchKernel, events, take } from './workload.ts'
const dir = mkdtempSync(join(tmpdir(), 'omega-probe-'))
const s = await startDev({ port: 8790, quiet: true, args: ['--persist-to', dir, '--var', 'OMEGA_WRITE_TOKEN:w', '--var', 'OMEGA_ADMIN_TOKEN:a'] })
try {
  await send(s.base, 'PUT', '/v1/holons/p', { kernel: benchKernel }, 'a')
  const st = events('p')
  await send(s.base, 'POST', '/v1/holons/p/events', { events: take(st, 100) }, 'w')
  for (let rep = 0; rep < 3; rep++) {
    let t0 = performance.now()
    for (let i = 0; i < 30; i++) await send(s.base, 'POST', '/v1/holons/p/events', { events: take(st, 100) }, 'w')
    const seq = 3000 / ((performance.now() - t0) / 1000)
    t0 = performance.now()
    const r = await fetch(`${s.base}/v1/holons/p/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer w' }, body: JSON.stringify({ events: take(st, 100) }) })
    const text = await r.text()
    const one = performance.now() - t0
    t0 = performance.now()
    for (let i = 0; i < 30; i++) await fetch(`${s.base}/`).then((x) => x.text())
    const get = (performance.now() - t0) / 30
    t0 = performance.now()
    await Promise.all(Array.from({ length: 4 }, async () => { for (let i = 0; i < 8; i++) await send(s.base, 'POST', '/v1/holons/p/events', { events: take(st, 100) }, 'w') }))
    const par = 3200 / ((performance.now() - t0) / 1000)
    console.log(`seq ${seq.toFixed(0)}/s  4-in-flight ${par.toFixed(0)}/s  one batch ${one.toFixed(1)} ms  response ${text.length} B  GET / ${get.toFixed(1)} ms`)
  }
} finally { await s.stop(); rmSync(dir, { recursive: true, force: true }) }
