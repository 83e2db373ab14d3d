// Writes schemas/<name>.schema.json from the zod source of truth (`npm run schemas`); a test fails on drift.
import { writeFileSync } from 'node:fs'
import { jsonSchemaOf, PUBLISHED, type PublishedName } from '../schemas/index.ts'

for (const name of Object.keys(PUBLISHED) as PublishedName[]) {
  const file = new URL(`../schemas/${name}.schema.json`, import.meta.url)
  writeFileSync(file, `${JSON.stringify(jsonSchemaOf(name), null, 2)}\n`)
  console.log(`wrote schemas/${name}.schema.json`)
}
