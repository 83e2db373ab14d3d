// `npm run check-readme [-- --file README.md]`: every ```sh block of the README must at least parse in POSIX sh
// (`sh -n`: bash-only syntax such as `<(…)` fails), and every `npm run <script>` it shows must name a script.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { type CommandSpec, command, run } from './cli.ts'

export interface ShellBlock {
  /** 1-based line of the opening fence */
  line: number
  code: string
}

/** The fenced code blocks tagged sh, bash or shell, in order. */
export function shellBlocks(markdown: string): ShellBlock[] {
  const blocks: ShellBlock[] = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(sh|bash|shell|console)\s*$/.exec(lines[i] as string)
    if (!open) continue
    const fence = open[2] as string
    const start = i
    const body: string[] = []
    for (i++; i < lines.length && !(lines[i] as string).trim().startsWith(fence); i++)
      body.push(lines[i] as string)
    blocks.push({ line: start + 1, code: `${body.join('\n')}\n` })
  }
  return blocks
}

/** `sh -n`: the block parses as POSIX sh (dash on Debian). The first error, its line counted from `offset`. */
export function shSyntaxError(code: string, offset = 0): string | undefined {
  const r = spawnSync('sh', ['-n'], { input: code, encoding: 'utf8' })
  if (r.error) return r.error.message
  if (r.status === 0) return undefined
  const first = r.stderr.trim().split('\n')[0] ?? `sh -n exit ${r.status}`
  return first.replace(/^sh: (?:line )?(\d+): /, (_, n: string) => `line ${Number(n) + offset}: `)
}

/** `npm run NAME` with a NAME package.json does not define. */
export function unknownScripts(code: string, scripts: Record<string, string>): string[] {
  const names = [...code.matchAll(/\bnpm run ([\w:-]+)/g)].map((m) => m[1] as string)
  return [...new Set(names.filter((n) => !(n in scripts)))]
}

export const spec: CommandSpec = {
  name: 'npm run check-readme --',
  summary:
    'Checks the README’s shell examples: each sh block must parse with `sh -n` and name only existing npm scripts. Exit 1 on a failure.',
  flags: {
    file: { type: 'string', value: 'PATH', default: 'README.md', help: 'the markdown file' },
  },
  examples: ['npm run check-readme', 'npm run check-readme -- --file docs/federation.md'],
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = command(spec)
  await run(spec, () => {
    const root = fileURLToPath(new URL('..', import.meta.url))
    const file = values.file as string
    const text = readFileSync(file, 'utf8')
    const { scripts } = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
      scripts: Record<string, string>
    }
    let failed = 0
    const blocks = shellBlocks(text)
    for (const b of blocks) {
      const problems = [
        shSyntaxError(b.code, b.line),
        ...unknownScripts(b.code, scripts).map((n) => `npm run ${n}: no such script`),
      ].filter((p) => p !== undefined)
      if (problems.length > 0) failed++
      console.log(`${file}:${b.line} ${problems.length === 0 ? 'ok' : `FAIL ${problems.join('; ')}`}`)
    }
    console.log(`${blocks.length - failed}/${blocks.length} sh blocks pass`)
    return failed === 0 ? 0 : 1
  })
}
