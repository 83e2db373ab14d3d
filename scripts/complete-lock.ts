// Adds package-lock entries for platform-specific optional packages that the npm registry mirror on
// our machines does not carry (other OSes' builds of biome and workerd), so `npm ci` accepts the lock.
// Run after `npm install` changes the lock: `node scripts/complete-lock.ts`.
import { readFileSync, writeFileSync } from 'node:fs'

type Entry = Record<string, unknown> & {
  version?: string
  optionalDependencies?: Record<string, string>
  dev?: boolean
}

/** os / cpu / libc from the platform words in a package name (cli-darwin-arm64, workerd-windows-64, ...). */
function platformOf(name: string): { os: string[]; cpu: string[]; libc?: string[] } | null {
  const os =
    ['darwin', 'linux', 'android', 'freebsd'].find((o) => name.includes(`-${o}-`)) ??
    (/-(win32|windows)-/.test(name) ? 'win32' : undefined)
  const cpu = /-(arm64|aarch64)\b/.test(name) ? 'arm64' : /-(x64|64)\b/.test(name) ? 'x64' : undefined
  if (!os || !cpu) return null
  return { os: [os], cpu: [cpu], ...(name.endsWith('-musl') && { libc: ['musl'] }) }
}

const file = new URL('../package-lock.json', import.meta.url)
const lock = JSON.parse(readFileSync(file, 'utf8')) as { packages: Record<string, Entry> }
let added = 0
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`
    if (lock.packages[key] || lock.packages[`${path}/${key}`]) continue
    const platform = platformOf(dep)
    if (!platform)
      throw new Error(`${dep} (optional dependency of ${path}) is missing and is not a platform build`)
    lock.packages[key] = { version, ...(entry.dev && { dev: true }), optional: true, ...platform }
    added++
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
)
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`)
console.log(`added ${added} platform entries to package-lock.json`)
