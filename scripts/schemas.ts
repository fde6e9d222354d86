/** Generates schemas/*.schema.json from the TypeScript types; `--check` fails when the committed ones are stale. */
import {readFileSync, writeFileSync} from 'node:fs'

import {createGenerator} from 'ts-json-schema-generator'

export const SCHEMAS = [
  {type: 'Snapshot', path: 'src/snapshot/types.ts', out: 'schemas/snapshot.schema.json'},
  {type: 'Bundle', path: 'src/snapshot/bundle.ts', out: 'schemas/bundle.schema.json'},
  {type: 'Report', path: 'src/engine/report.ts', out: 'schemas/report.schema.json'},
  {type: 'FixOutcome', path: 'src/fix/render.ts', out: 'schemas/fix.schema.json'},
]

export function generateSchema(type: string, path: string): string {
  const schema = createGenerator({path, type, tsconfig: 'tsconfig.json', additionalProperties: false, skipTypeCheck: true, expose: 'none', topRef: false}).createSchema(type)
  return `${JSON.stringify({$id: `https://macvlan-doctor.invalid/${type.toLowerCase()}.schema.json`, ...schema}, null, 2)}\n`
}

if (import.meta.url === `file://${process.argv[1]}`) main()

function main(): void {
const check = process.argv.includes('--check')
let stale = false
for (const {type, path, out} of SCHEMAS) {
  const text = generateSchema(type, path)
  if (!check) writeFileSync(out, text)
  else if (readFileSync(out, 'utf8') !== text) {
    console.error(`${out} is stale: run npm run schemas`)
    stale = true
  }
}
if (stale) process.exit(1)
}
