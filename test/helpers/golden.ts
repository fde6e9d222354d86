/** Golden reports: lab fixtures replayed with a fixed clock, rendered in every format. Re-blessed only by `npm run golden:bless`. */
import {evaluateRules} from '../../src/engine/evaluate.js'
import {buildReport, type Report} from '../../src/engine/report.js'
import {RULES} from '../../src/rules/index.js'
import {fixture} from './fixtures.js'

export const GOLDEN_FIXTURES = ['healthy', 'host-isolation', 'parent-down', 'duplicate-mac'] as const

export function goldenReport(name: string): Report {
  const snapshot = fixture(name)
  return buildReport(snapshot, evaluateRules(RULES, snapshot), {
    tool: {name: 'macvlan-doctor', version: 'golden'},
    command: ['macvlan', 'doctor', '--from', `fixtures/snapshots/${name}.json`],
    generatedAt: '2026-01-01T00:00:00.000Z',
    replay: true,
  })
}

export const goldenPath = (name: string, format: string) => new URL(`../golden/${name}.${format === 'markdown' ? 'md' : format === 'prometheus' ? 'prom' : format === 'nagios' ? 'txt' : format === 'table' ? 'table.txt' : 'json'}`, import.meta.url)
