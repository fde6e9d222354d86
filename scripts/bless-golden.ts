/** `npm run golden:bless`: rewrites test/golden from the fixtures. Read the diff before committing it. */
import {writeFileSync} from 'node:fs'

import {FORMATS, render} from '../src/render/index.js'
import {GOLDEN_FIXTURES, goldenPath, goldenReport} from '../test/helpers/golden.js'

for (const name of GOLDEN_FIXTURES) {
  for (const format of FORMATS) writeFileSync(goldenPath(name, format), render(goldenReport(name), format, {color: false, verbose: true}))
}
console.log(`blessed ${GOLDEN_FIXTURES.length * FORMATS.length} golden files`)
