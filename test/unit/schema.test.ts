import {readdirSync, readFileSync} from 'node:fs'
import {Ajv} from 'ajv'
import {describe, expect, it} from 'vitest'

import {evaluateRules} from '../../src/engine/evaluate.js'
import {buildReport} from '../../src/engine/report.js'
import {RULES} from '../../src/rules/index.js'
import {generateSchema, SCHEMAS} from '../../scripts/schemas.js'
import {engineFixture, fixture} from '../helpers/fixtures.js'
import {fixGoldenPath, GOLDEN_FIX_FIXTURES, GOLDEN_FIXTURES, goldenPath} from '../helpers/golden.js'

const schema = (name: string) => JSON.parse(readFileSync(new URL(`../../schemas/${name}.schema.json`, import.meta.url), 'utf8'))
const fixtures = readdirSync(new URL('../../fixtures/snapshots/', import.meta.url)).map((file) => file.replace(/\.json$/, ''))
const engineFixtures = readdirSync(new URL('../../fixtures/engines/', import.meta.url)).map((file) => file.replace(/\.json$/, ''))

describe('JSON Schemas', () => {
  it('are up to date with the TypeScript types (npm run schemas regenerates them)', () => {
    for (const {type, path, out} of SCHEMAS) expect(generateSchema(type, path), out).toBe(readFileSync(out, 'utf8'))
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

  it.each(engineFixtures)('hand-made engine fixture %s is a valid snapshot that says how it was made', (name) => {
    const snapshot = engineFixture(name)
    const validSnapshot = new Ajv({strict: false, allErrors: true}).compile(schema('snapshot'))
    expect(validSnapshot(snapshot), JSON.stringify(validSnapshot.errors)).toBe(true)
    expect(snapshot.origin).toMatch(/^hand-made for Docker Engine /)
    expect(snapshot.origin).toContain('data' in snapshot.docker ? snapshot.docker.data.serverVersion : 'no engine')
  })
})

describe('golden JSON reports', () => {
  it.each(GOLDEN_FIXTURES)('%s validates against the report schema', (name) => {
    const validReport = new Ajv({strict: false, allErrors: true}).compile(schema('report'))
    const golden = JSON.parse(readFileSync(goldenPath(name, 'json'), 'utf8'))
    expect(validReport(golden), JSON.stringify(validReport.errors)).toBe(true)
  })
})

describe('golden fix plans', () => {
  it.each(GOLDEN_FIX_FIXTURES)('%s validates against the fix schema', (name) => {
    const validPlan = new Ajv({strict: false, allErrors: true}).compile(schema('fix'))
    expect(validPlan(JSON.parse(readFileSync(fixGoldenPath(name, 'json'), 'utf8'))), JSON.stringify(validPlan.errors)).toBe(true)
  })
})
