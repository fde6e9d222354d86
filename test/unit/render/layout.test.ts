/** The table fits the terminal it is printed on: only the finding wraps, check ids are never cut; a pipe gets a plain list. */
import stringWidth from 'string-width'
import {describe, expect, it} from 'vitest'

import type {Report} from '../../../src/engine/report.js'
import {render} from '../../../src/render/index.js'
import {RULES} from '../../../src/rules/index.js'
import {alignedRows, terminalColumns} from '../../../src/render/table.js'
import {generatedReport} from '../../helpers/generated-reports.js'
import {GOLDEN_FIXTURES, goldenReport} from '../../helpers/golden.js'

/** Commands are printed whole so they can be copied; every other line must fit. */
const overlong = (text: string, columns: number) => text.split('\n').filter((line) => !line.startsWith('  $ ') && stringWidth(line) > columns)

const REPORTS: Array<[string, Report]> = [...GOLDEN_FIXTURES.map((name): [string, Report] => [name, goldenReport(name)]), ...Array.from({length: 40}, (_, index): [string, Report] => [`generated ${index + 1}`, generatedReport(index + 1)])]

describe.each([80, 120])('at %i columns', (columns) => {
  it.each(REPORTS)('%s: no line is longer than the terminal, and every check id shown is whole', (_name, report) => {
    for (const verbose of [false, true]) {
      const text = render(report, 'table', {color: false, verbose, columns})
      expect(overlong(text, columns)).toEqual([])
      const rows = text.split('\n').filter((line) => /^ {2}(FAIL|WARN|ERROR|SKIP|ok) /.test(line))
      for (const row of rows) expect(report.checks.map((check) => check.id)).toContain(row.replace('↳ ', '').trim().split(/\s+/)[1])
    }
  })
})

describe('many checks skipped for one reason', () => {
  it('are one row without --verbose, naming every check, and one row each with it', () => {
    const healthy = goldenReport('healthy')
    const reason = 'Not checked: networks could not be collected (the Docker daemon is not reachable).'
    const checks = healthy.checks.map((check) => ({...check, outcome: 'skip' as const, skipKind: 'missing-data' as const, message: reason}))
    const report: Report = {...healthy, checks, counts: {pass: 0, warn: 0, fail: 0, error: 0, skip: checks.length}, status: 'unknown'}
    const text = render(report, 'table', {color: false, verbose: false, columns: 120})
    const rows = text.split('\n').filter((line) => /^ {2}SKIP /.test(line))
    expect(rows.length).toBeLessThanOrEqual(2)
    expect(rows[0]).toMatch(/^ {2}SKIP {3}\d+ checks +- +Not checked: networks could not be collected/)
    for (const id of new Set(checks.map((check) => check.id))) expect(text.replaceAll(/\s+/g, ' ')).toContain(id)
    expect(render(report, 'table', {color: false, verbose: true, columns: 120}).split('\n').filter((line) => /^ {2}SKIP /.test(line))).toHaveLength(checks.length)
  })
})

describe('not a terminal', () => {
  it('prints one tab-separated line per check: outcome, id, code, network, container, interface, finding, cause; the status as a comment', () => {
    const text = render(goldenReport('parent-down'), 'table', {color: false, verbose: true})
    expect(text.split('\n')[0]).toBe('# status: FAIL, 1 problem: parent-down (eth1) (1 failed, 0 warnings, 0 errors, 12 skipped, 30 passed)')
    const lines = text.trimEnd().split('\n').filter((line) => !line.startsWith('#'))
    expect(lines).toHaveLength(goldenReport('parent-down').checks.length)
    for (const line of lines) expect(line.split('\t')).toHaveLength(8)
    expect(lines[0]).toBe('FAIL\tparent-down\tMVD004\tlan\t-\teth1\tParent eth1 is administratively down: all 2 container(s) on lan are cut off, even from each other.\t-')
  })

  it('prints only the status for a healthy host without --verbose', () => {
    expect(render(goldenReport('healthy'), 'table', {color: false, verbose: false})).toBe('# status: OK, 0 problems (0 failed, 0 warnings, 0 errors, 12 skipped, 31 passed)\n')
  })
})

describe('macvlan rules on a terminal', () => {
  it.each([80, 120])('fits %i columns with every id whole on its row', (columns) => {
    const lines = alignedRows(['code', 'id', 'severity', 'title'], RULES.map(({meta}) => [meta.code, meta.id, meta.severity, meta.title]), columns)
    expect(overlong(lines.join('\n'), columns)).toEqual([])
    for (const {meta} of RULES) expect(lines.some((line) => line.startsWith(`${meta.code}  `) && line.split(/\s+/)[1] === meta.id)).toBe(true)
  })
})

describe('terminalColumns', () => {
  it('is undefined off a terminal, COLUMNS when set, else the terminal width, else 80', () => {
    expect(terminalColumns({isTTY: false, columns: 100}, {COLUMNS: '90'})).toBeUndefined()
    expect(terminalColumns({isTTY: true, columns: 100}, {COLUMNS: '90'})).toBe(90)
    expect(terminalColumns({isTTY: true, columns: 100}, {COLUMNS: 'wide'})).toBe(100)
    expect(terminalColumns({isTTY: true}, {})).toBe(80)
  })
})
