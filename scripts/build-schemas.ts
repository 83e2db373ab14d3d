// Writes schemas/<name>.schema.json from the zod source of truth (`npm run schemas`); a test fails on drift.
import { readFileSync, writeFileSync } from 'node:fs'
import { jsonSchemaOf, PUBLISHED, type PublishedName } from '../schemas/index.ts'
import { type CommandSpec, command, run } from './cli.ts'

export const spec: CommandSpec = {
  name: 'npm run schemas --',
  summary:
    'Writes schemas/<name>.schema.json (JSON Schema 2020-12) from the zod schemas in schemas/; --check only reports drift.',
  flags: {
    check: { type: 'boolean', help: 'write nothing; exit 1 when a file differs from the zod source' },
  },
  examples: ['npm run schemas', 'npm run schemas -- --check'],
}

const { values } = command(spec)
await run(spec, () => {
  const stale: string[] = []
  for (const name of Object.keys(PUBLISHED) as PublishedName[]) {
    const file = new URL(`../schemas/${name}.schema.json`, import.meta.url)
    const text = `${JSON.stringify(jsonSchemaOf(name), null, 2)}\n`
    if (values.check) {
      let old = ''
      try {
        old = readFileSync(file, 'utf8')
      } catch {
        // a missing file is stale
      }
      if (old !== text) stale.push(`schemas/${name}.schema.json`)
      continue
    }
    writeFileSync(file, text)
    console.log(`wrote schemas/${name}.schema.json`)
  }
  if (!values.check) return 0
  if (stale.length === 0) {
    console.log(`${Object.keys(PUBLISHED).length} schema files match the zod source`)
    return 0
  }
  console.error(`stale: ${stale.join(', ')} (run npm run schemas)`)
  return 1
})
