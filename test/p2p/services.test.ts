// The node in libp2p's shape and its safe defaults: Omega's services start and stop with the node, it listens on
// loopback unless told otherwise, and its private keys stay out of git and out of /tmp.
import { execFileSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { isPublic, nodeConfig, parseCli, SecretOnCommandLineError } from '../../p2p/config.ts'
import { PROTOCOLS } from '../../p2p/wire.ts'
import { captureLog, removeTmp, spawnNode, teardown } from './support.ts'

type Node = Awaited<ReturnType<typeof spawnNode>>
const nodes: Node[] = []
afterAll(() => teardown(nodes))

const root = new URL('../..', import.meta.url).pathname

describe('Omega services are libp2p services', () => {
  it('are registered in the node, and the node stop()ped by libp2p stops every one of them', async () => {
    const n = await spawnNode({ phase: { publish_ms: 20 } as never })
    nodes.push(n)
    const services = [
      n.node.services.rhizome,
      n.node.services.phase,
      n.node.services.witness,
      n.node.services.alerts,
      n.node.services.outbox,
    ]
    expect(services.map((s) => s.running)).toEqual([true, true, true, true, true])
    expect(n.node.getProtocols()).toEqual(expect.arrayContaining([PROTOCOLS.catchUp, PROTOCOLS.proof]))
    await new Promise((r) => setTimeout(r, 100))
    expect(n.metrics.get('phase.published')).toBeGreaterThan(0)

    await n.node.stop() // libp2p's own stop, not a wrapper
    expect(services.map((s) => s.running)).toEqual([false, false, false, false, false])
    expect(n.node.getProtocols()).not.toContain(PROTOCOLS.catchUp)
    const published = n.metrics.get('phase.published')
    await new Promise((r) => setTimeout(r, 200))
    expect(n.metrics.get('phase.published')).toBe(published) // no timer left behind
  })
})

describe('safe defaults', () => {
  it('listens on loopback unless an address is given, and warns when listening publicly', async () => {
    const dflt = nodeConfig({})
    expect(dflt.listen.length).toBeGreaterThan(0)
    expect(dflt.listen.filter(isPublic)).toEqual([])
    expect(parseCli([]).listen).toEqual(dflt.listen)
    expect(
      ['/ip4/0.0.0.0/tcp/1', '/ip6/::/tcp/1', '/ip4/192.168.1.2/tcp/1', '/dns4/example.org/tcp/1'].map(
        isPublic,
      ),
    ).toEqual([true, true, true, true])
    expect(['/ip4/127.0.0.1/tcp/1', '/ip6/::1/tcp/1', '/dns/localhost/tcp/1'].map(isPublic)).toEqual([
      false,
      false,
      false,
    ])

    const quiet = captureLog()
    nodes.push(await spawnNode({}, undefined, quiet))
    expect(quiet.lines.filter((l) => l.level === 'warn')).toEqual([])
    const loud = captureLog()
    nodes.push(await spawnNode({ listen: ['/ip4/0.0.0.0/tcp/0'] }, undefined, loud))
    expect(loud.lines.find((l) => l.level === 'warn')?.msg).toMatch(/public address/)
  })

  it('takes the bridge token from the environment or the config file, never from the command line', () => {
    expect(parseCli(['--worker', 'http://127.0.0.1:1'], { OMEGA_BRIDGE_TOKEN: 'from-env' }).token).toBe(
      'from-env',
    )
    expect(parseCli([], {}).token).toBeUndefined()
    expect(() => parseCli(['--token', 'visible-in-ps'], {})).toThrow(SecretOnCommandLineError)
  })

  it('keeps the key in the state folder, mode 600, and the default state folder is git-ignored', async () => {
    const n = await spawnNode()
    nodes.push(n)
    const key = join(n.dir, 'peer.key')
    expect(statSync(key).mode & 0o777).toBe(0o600)
    const dflt = nodeConfig({})
    expect(dflt.key).toBe(join(dflt.state, 'peer.key'))
    const ignored = execFileSync(
      'git',
      ['check-ignore', '--no-index', dflt.key, join(dflt.state, 'outbox.cursor')],
      {
        cwd: root,
        encoding: 'utf8',
      },
    )
    expect(ignored.trim().split('\n')).toEqual([dflt.key, join(dflt.state, 'outbox.cursor')])
  })

  it('leaves no temporary key folder behind: removed by teardown, and when the process exits', async () => {
    const n = await spawnNode()
    await n.stop()
    expect(existsSync(join(n.dir, 'peer.key'))).toBe(true)
    removeTmp()
    expect(existsSync(n.dir)).toBe(false)

    // A process that makes a node folder and exits without cleaning up.
    const script = `const s = await import(${JSON.stringify(join(root, 'test/p2p/support.ts'))}); const n = await s.spawnNode(); await n.stop(); console.log(n.dir); process.exit(0)`
    const dir = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
    }).trim()
    expect(dir).toMatch(/omega-p2p-/)
    expect(existsSync(dir)).toBe(false)
  })
})
