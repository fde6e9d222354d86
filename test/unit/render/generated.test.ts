/**
 * Every renderer takes every report the engine can produce: hundreds of generated reports (any shape the type allows)
 * and mutated lab snapshots the loader accepts, run through the engine, in every format. Seeded, so deterministic.
 */
import {readdirSync, readFileSync} from 'node:fs'

import {Ajv} from 'ajv'
import MarkdownIt from 'markdown-it'
import parsePrometheus from 'parse-prometheus-text-format'
import {describe, expect, it} from 'vitest'

import {evaluateRules} from '../../../src/engine/evaluate.js'
import {buildReport, type Report} from '../../../src/engine/report.js'
import {causalView} from '../../../src/render/causes.js'
import {FORMATS, render} from '../../../src/render/index.js'
import {MARKDOWN_LIMIT_BYTES} from '../../../src/render/markdown.js'
import {RULES} from '../../../src/rules/index.js'
import type {Snapshot} from '../../../src/snapshot/types.js'
import {fixture} from '../../helpers/fixtures.js'
import {generatedReport, mutatedSnapshot} from '../../helpers/generated-reports.js'

// eslint-disable-next-line no-control-regex -- asserting that no control character gets through
const RAW_CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/
const markdown = new MarkdownIt({html: true})
const SECTIONS = ['Could not collect', 'Problems', 'Topology', 'Probes']

/** The report's own second-level headings: host text must never open or close a block and make its own. */
function sectionsOf(text: string): string[] {
  const tokens = markdown.parse(text, {})
  const sections = tokens.flatMap((token, index) => (token.type === 'heading_open' && token.tag === 'h2' ? [tokens[index + 1]?.content ?? ''] : []))
  expect(sections.every((section) => SECTIONS.includes(section)), sections.join(', ')).toBe(true)
  return sections
}

/** What every format must hold for any report: no crash, no raw control character, and a parser of the format accepts it. */
function expectEveryFormat(report: Report, seed: number): void {
  for (const format of FORMATS) {
    for (const verbose of [false, true]) {
      let text = ''
      expect(() => (text = render(report, format, {color: false, verbose})), `seed ${seed}, ${format}`).not.toThrow()
      if (format === 'json') {
        expect(JSON.parse(text).checks).toHaveLength(report.checks.length)
        continue
      }
      expect(text, `seed ${seed}, ${format}`).not.toMatch(RAW_CONTROL)
      if (format === 'nagios') expect(text, `seed ${seed}`).toMatch(/^MACVLAN (OK|WARNING|CRITICAL|UNKNOWN) - [^\n|]* \| [^\n|]+\n$/)
      if (format === 'prometheus') expect(() => parsePrometheus(text), `seed ${seed}`).not.toThrow()
      if (format === 'markdown') {
        expect(sectionsOf(text), `seed ${seed}`).toEqual(expect.arrayContaining(['Problems', 'Probes']))
        // Every root cause and crashed check has its section, whatever the size; a report of ordinary size stays bounded.
        const problems = causalView(report).roots.length + report.checks.filter((check) => check.outcome === 'error').length
        expect(text.split('\n').filter((line) => line.startsWith('### ')), `seed ${seed}`).toHaveLength(problems)
        if (report.checks.length <= 40) expect(Buffer.byteLength(text), `seed ${seed}`).toBeLessThanOrEqual(MARKDOWN_LIMIT_BYTES)
      }
    }
  }
}

/** 200 seeds, in batches so each test stays short. */
const BATCHES = Array.from({length: 4}, (_, batch) => Array.from({length: 50}, (_, index) => batch * 50 + index + 1))

describe('generated reports', () => {
  it.each(BATCHES.map((seeds) => [seeds[0], seeds.at(-1), seeds] as const))('every format renders generated reports %i to %i', (_first, _last, seeds) => {
    for (const seed of seeds) expectEveryFormat(generatedReport(seed), seed)
  })
})

describe('mutated lab snapshots through the engine', () => {
  const fixtures = readdirSync(new URL('../../../fixtures/snapshots/', import.meta.url)).map((file) => fixture(file.replace(/\.json$/, '')))
  const validate = new Ajv({strict: false}).compile(JSON.parse(readFileSync(new URL('../../../schemas/snapshot.schema.json', import.meta.url), 'utf8')) as object)

  it('every format renders the report of each lab fixture as it is (a non-persistent shim crashed the Markdown)', () => {
    fixtures.forEach((snapshot, index) => expectEveryFormat(buildReport(snapshot, evaluateRules(RULES, snapshot), {tool: {name: 'macvlan-doctor', version: 'fuzz'}, command: ['macvlan', 'doctor'], generatedAt: '2026-01-01T00:00:00.000Z', replay: true}), index))
  })

  it('every format renders the report of each mutated snapshot the loader accepts', () => {
    let accepted = 0
    for (let seed = 1; seed <= 400; seed++) {
      const snapshot = mutatedSnapshot(seed, fixtures)
      if (!validate(snapshot)) continue
      accepted++
      const report = buildReport(snapshot as Snapshot, evaluateRules(RULES, snapshot as Snapshot), {tool: {name: 'macvlan-doctor', version: 'fuzz'}, command: ['macvlan', 'doctor'], generatedAt: '2026-01-01T00:00:00.000Z', replay: true})
      expectEveryFormat(report, seed)
    }
    // The mutations must leave enough valid snapshots for this to test anything.
    expect(accepted).toBeGreaterThan(80)
  })
})
