// Node configuration: a JSON config file and command-line flags (flags win), validated. Safe by default: the
// node listens on loopback unless given an address, and its private key stays in an owner-only state folder.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { z } from 'zod'

const LOOPBACK = ['/ip4/127.0.0.1/tcp/4001', '/ip4/127.0.0.1/tcp/4002/ws'] as const

/**
 * What a node does (BecomingONE's node types). full: the organisation's node next to its worker (every service);
 * light: the Emissary only, phase sync (follows the mesh, publishes its phase), stores nothing; witness: checks
 * and cosigns or flags peers' checkpoints, keeps only the artifacts whose keys it needs, publishes no artifacts;
 * relay: subscribed to every topic so gossipsub forwards, validates and drops, acts on nothing, stores nothing.
 */
export const ROLES = ['full', 'light', 'witness', 'relay'] as const
export type Role = (typeof ROLES)[number]

export const NodeConfig = z.strictObject({
  role: z.enum(ROLES).default('full'),
  /** The organisation's worker (base URL): a full node needs it, the other roles refuse it. */
  worker: z.url().optional(),
  /** OMEGA_BRIDGE_TOKEN of that worker. */
  token: z.string().min(1).optional(),
  /** Loopback by default: listening publicly takes an explicit address (`--listen /ip4/0.0.0.0/tcp/4001`). */
  listen: z
    .array(z.string())
    .min(1)
    .default([...LOOPBACK]),
  peers: z.array(z.string()).default([]),
  /** Ed25519 identity key file (created with mode 600 on first run); `<state>/peer.key` by default. */
  key: z.string().optional(),
  /**
   * Where the identity and the outbox cursor are kept (mode 700). `.omega-p2p` in the checkout is git-ignored;
   * set OMEGA_P2P_STATE or --state to keep it outside the repository (one folder per worker).
   */
  state: z.string().default('.omega-p2p'),
  poll_ms: z.number().int().min(50).max(60_000).default(1000),
  /** How often local holons' checkpoints are announced to witnesses (when they changed). */
  checkpoint_ms: z.number().int().min(50).max(600_000).default(5000),
  max_message_bytes: z
    .number()
    .int()
    .min(1024)
    .max(1 << 20)
    .default(64 * 1024),
  /** Inbound connections accepted per second from one host (libp2p's default is 5; a loopback test mesh needs more). */
  inbound_per_second: z.number().int().min(1).max(10_000).default(5),
  phase: z
    .strictObject({
      /** Natural frequency of this organisation's pulse oscillator, Hz. */
      natural_hz: z.number().positive().max(100).default(1),
      /** Kuramoto coupling strength K (rad/s). */
      coupling: z.number().min(0).max(100).default(2),
      publish_ms: z.number().int().min(20).max(60_000).default(250),
      /** A peer silent this long stops influencing the phase. */
      timeout_ms: z.number().int().min(100).max(600_000).default(3000),
      /** Curvature for exp(-kappa d) weights when peers announce Poincaré-ball coordinates. */
      kappa: z.number().positive().default(1),
      coords: z.array(z.number()).min(2).max(512).optional(),
      /** This organisation's pulse value T_P (until holon beats are wired in: 1 / natural_hz). */
      pulse: z.number().optional(),
      /** Initial phase in radians (random when absent). */
      phase_init: z
        .number()
        .min(0)
        .lt(2 * Math.PI)
        .optional(),
    })
    .default({ natural_hz: 1, coupling: 2, publish_ms: 250, timeout_ms: 3000, kappa: 1 }),
  log: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
})

export type NodeConfig = z.infer<typeof NodeConfig> & { key: string }
export type NodeConfigInput = z.input<typeof NodeConfig>

/** Parses a configuration; the key file defaults to `<state>/peer.key`. */
export function nodeConfig(input: unknown): NodeConfig {
  const c = NodeConfig.parse(input)
  return { ...c, key: c.key ?? join(c.state, 'peer.key') }
}

/** True unless the multiaddr listens on a loopback address only (127.0.0.0/8, ::1, localhost). */
export function isPublic(addr: string): boolean {
  const m = /^\/(ip4|ip6|dns|dns4|dns6)\/([^/]+)/.exec(addr)
  if (!m) return true
  const host = m[2] as string
  if (m[1] === 'ip4') return !host.startsWith('127.')
  if (m[1] === 'ip6') return host !== '::1'
  return host !== 'localhost'
}

/** A secret given on the command line: every user of the machine can read it (`ps`), so it is refused. */
export class SecretOnCommandLineError extends Error {
  override name = 'SecretOnCommandLineError'
}

/** A role whose requirements the configuration does not meet (exit 2 at the command line). */
export class RoleConfigError extends Error {
  override name = 'RoleConfigError'
}

/** Something a node of this role does not do: a light node has no artifact store, a witness publishes no artifact. */
export class NotInRoleError extends Error {
  override name = 'NotInRoleError'
}

/**
 * What a role needs from the command line: a full node its worker and token; the other roles no worker (a light,
 * witness or relay node delivers nothing to one). Programmatic nodes (tests) may run `full` without a worker.
 */
export function checkRole(c: NodeConfig): NodeConfig {
  if (c.role === 'full' && (!c.worker || !c.token))
    throw new RoleConfigError(
      `role full needs its worker: ${c.worker ? '' : '--worker <url> and '}OMEGA_BRIDGE_TOKEN in the environment (or run --role light, witness or relay)`,
    )
  if (c.role !== 'full' && c.worker)
    throw new RoleConfigError(`role ${c.role} talks to no worker: drop --worker (only a full node has one)`)
  return c
}

export function parseCli(argv: string[], env: Record<string, string | undefined> = process.env): NodeConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      role: { type: 'string' },
      worker: { type: 'string' },
      token: { type: 'string' },
      listen: { type: 'string', multiple: true },
      peer: { type: 'string', multiple: true },
      key: { type: 'string' },
      state: { type: 'string' },
      log: { type: 'string' },
    },
  })
  if (values.token !== undefined)
    throw new SecretOnCommandLineError(
      '--token is refused: a command line is visible to every user of the machine; set OMEGA_BRIDGE_TOKEN in the environment or "token" in the --config file',
    )
  const file = values.config
    ? (JSON.parse(readFileSync(values.config, 'utf8')) as Record<string, unknown>)
    : {}
  const flags: Record<string, unknown> = {
    ...(values.role && { role: values.role }),
    ...(values.worker && { worker: values.worker }),
    ...(values.listen && { listen: values.listen }),
    ...(values.peer && { peers: values.peer }),
    ...(values.key && { key: values.key }),
    ...(values.state && { state: values.state }),
    ...(values.log && { log: values.log }),
  }
  return nodeConfig({
    ...file,
    ...flags,
    state: flags.state ?? file.state ?? env.OMEGA_P2P_STATE ?? undefined,
    token: file.token ?? (env.OMEGA_BRIDGE_TOKEN || undefined),
  })
}
