import {readdirSync, readFileSync} from 'node:fs'
import {Ajv} from 'ajv'
import {describe, expect, it} from 'vitest'

import {evaluateRules} from '../../src/engine/evaluate.js'
import {buildReport} from '../../src/engine/report.js'
import {RULES} from '../../src/rules/index.js'
import {generateSchema} from '../../scripts/schemas.js'
import {fixture} from '../helpers/fixtures.js'
import {GOLDEN_FIXTURES, goldenPath} from '../helpers/golden.js'

const schema = (name: string) => JSON.parse(readFileSync(new URL(`../../schemas/${name}.schema.json`, import.meta.url), 'utf8'))
const fixtures = readdirSync(new URL('../../fixtures/snapshots/', import.meta.url)).map((file) => file.replace(/\.json$/, ''))

describe('JSON Schemas', () => {
  it('are up to date with the TypeScript types (npm run schemas regenerates them)', () => {
    expect(generateSchema('Snapshot', 'src/snapshot/types.ts')).toBe(readFileSync('schemas/snapshot.schema.json', 'utf8'))
    expect(generateSchema('Report', 'src/engine/report.ts')).toBe(readFileSync('schemas/report.schema.json', 'utf8'))
  })

  it.each(fixtures)('fixture %s is a valid snapshot, and its report a valid report', (name) => {
    const ajv = new Ajv({strict: false, allErrors: true})
    const validSnapshot = ajv.compile(schema('snapshot'))
    const validReport = ajv.compile(schema('report'))
    const snapshot = fixture(name)
    expect(validSnapshot(snapshot), JSON.stringify(validSnapshot.errors)).toBe(true)
    expect(snapshot.origin).toMatch(/^lab scenario/)
    const report = buildReport(snapshot, evaluateRules(RULES, snapshot), {tool: {name: 'macvlan-doctor', version: 'test'}, command: ['macvlan', 'doctor'], generatedAt: 'now', replay: true})
    expect(validReport(JSON.parse(JSON.stringify(report))), JSON.stringify(validReport.errors)).toBe(true)
  })
})

describe('golden JSON reports', () => {
  it.each(GOLDEN_FIXTURES)('%s validates against the report schema', (name) => {
    const validReport = new Ajv({strict: false, allErrors: true}).compile(schema('report'))
    const golden = JSON.parse(readFileSync(goldenPath(name, 'json'), 'utf8'))
    expect(validReport(golden), JSON.stringify(validReport.errors)).toBe(true)
  })
})
