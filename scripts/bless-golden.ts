/** `npm run golden:bless`: rewrites test/golden from the fixtures. Read the diff before committing it. */
import {mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {dirname} from 'node:path'
import {fileURLToPath} from 'node:url'

import {FIX_FORMATS, renderFix} from '../src/fix/render.js'
import {FORMATS, render} from '../src/render/index.js'
import {fixGoldenPath, GOLDEN_FIX_FIXTURES, GOLDEN_FIXTURES, GOLDEN_OPTIONS, goldenFixPlan, goldenPath, goldenPersistence, goldenReport, PERSISTENCE_HOSTS, persistenceGoldenPath} from '../test/helpers/golden.js'

function write(url: URL, text: string): void {
  mkdirSync(dirname(fileURLToPath(url)), {recursive: true})
  writeFileSync(url, text)
}

let count = 0
for (const name of GOLDEN_FIXTURES) {
  for (const format of FORMATS) write(goldenPath(name, format), render(goldenReport(name), format, GOLDEN_OPTIONS))
  count += FORMATS.length
}
for (const name of GOLDEN_FIX_FIXTURES) {
  for (const format of FIX_FORMATS) write(fixGoldenPath(name, format), renderFix({plan: goldenFixPlan(name)}, format))
  count += FIX_FORMATS.length
}
rmSync(new URL('../test/golden/persistence', import.meta.url), {recursive: true, force: true})
for (const host of Object.keys(PERSISTENCE_HOSTS) as Array<keyof typeof PERSISTENCE_HOSTS>) {
  for (const file of goldenPersistence(host).files) {
    write(persistenceGoldenPath(host, file.path), file.content)
    count++
  }
}
console.log(`blessed ${count} golden files`)
