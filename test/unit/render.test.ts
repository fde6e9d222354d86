/** Every format, from the same report: golden files, and each checked by a real parser of its format. */
import {readFileSync} from 'node:fs'
import MarkdownIt from 'markdown-it'
import parsePrometheus from 'parse-prometheus-text-format'
import {describe, expect, it} from 'vitest'

import {FORMATS, render} from '../../src/render/index.js'
import {mermaidTopology} from '../../src/render/markdown.js'
import {GOLDEN_FIXTURES, GOLDEN_OPTIONS, goldenPath, goldenReport} from '../helpers/golden.js'

describe.each(GOLDEN_FIXTURES)('golden reports: %s', (name) => {
  it.each(FORMATS)('%s matches its golden file (npm run golden:bless re-blesses)', (format) => {
    expect(render(goldenReport(name), format, GOLDEN_OPTIONS)).toBe(readFileSync(goldenPath(name, format), 'utf8'))
  })
})

describe('markdown', () => {
  const tokens = (name: string) => new MarkdownIt({html: true}).parse(render(goldenReport(name), 'markdown', {color: false, verbose: false}), {})

  it('parses into a title, the context table, one section per problem with its fix block, and the topology fence', () => {
    const parsed = tokens('host-isolation')
    const headings = parsed.filter((token) => token.type === 'inline' && parsed[parsed.indexOf(token) - 1]?.type === 'heading_open').map((token) => token.content)
    expect(headings).toEqual(['macvlan doctor: WARN on `vm`, 1 problem: host-isolation (eth1)', 'Problems', '⚠️ host-isolation: The host cannot reach db, web (and they cannot reach the host)', 'Topology', 'Probes'])
    const fences = parsed.filter((token) => token.type === 'fence')
    expect(fences.map((fence) => fence.info)).toEqual(['sh', 'sh', 'mermaid'])
    expect(fences[1]?.content).toContain('ip link add lan-shim link eth1 type macvlan mode bridge')
    expect(parsed.filter((token) => token.type === 'table_open').length).toBeGreaterThanOrEqual(2)
  })

  it('says "None found." for a healthy host and summarizes the passing checks, one row per check, in folded details', () => {
    const text = render(goldenReport('healthy'), 'markdown', {color: false, verbose: false})
    expect(text).toContain('## Problems\n\nNone found.')
    expect(text).toMatch(/<details><summary>Checks without a problem \(31 passed, 12 skipped\)<\/summary>[\s\S]*\| ✅ pass \| parent-down \|/)
    expect(text).toContain('| ✅ pass | container-route | 2 subjects, e.g. ')
    expect(text).toMatch(/<details><summary>Containers with no problem found \(2\)<\/summary>\n\n- `db` 192\.168\.77\.\d+ on `lan` \(running\)\n- `web` /)
  })

  it('draws the topology with the failing parent painted red', () => {
    const lines = mermaidTopology(goldenReport('parent-down'))
    expect(lines[0]).toBe('flowchart LR')
    expect(lines).toContain('  parent0["eth1 (parent, down)"]')
    expect(lines.find((line) => line.startsWith('  class ') && line.endsWith(' bad'))).toContain('parent0')
    for (const line of lines.slice(1)) expect(line).toMatch(/^ {2}(\w+(\[".*"\]|\(\(".*"\)\))|\w+ (---|-\.-) \w+|classDef \w+ .+|class [\w,]+ \w+)$/)
  })

  it('carries the redaction tokens, not the addresses, when redacted', async () => {
    const {redactDiagnosis} = await import('../../src/pipeline.js')
    const {DEFAULT_SETTINGS} = await import('../../src/engine/types.js')
    const {fixture} = await import('../helpers/fixtures.js')
    const {report: redacted} = redactDiagnosis({snapshot: fixture('host-isolation'), report: goldenReport('host-isolation')}, {settings: DEFAULT_SETTINGS, ignore: [], command: ['macvlan', 'doctor']})
    const text = render(redacted, 'markdown', {color: false, verbose: false})
    expect(text).not.toMatch(/192\.168\.77\.\d+|\bweb\b/)
    expect(text).toContain('Redacted | yes')
  })
})

describe('prometheus', () => {
  it('parses as the text exposition format, with low-cardinality labels only', () => {
    const families = parsePrometheus(render(goldenReport('parent-down'), 'prometheus', {color: false, verbose: false}))
    const byName = Object.fromEntries(families.map((family) => [family.name, family]))
    expect(Object.keys(byName)).toEqual(expect.arrayContaining(['macvlan_doctor_status', 'macvlan_doctor_check_status', 'macvlan_doctor_last_run_timestamp_seconds', 'macvlan_doctor_build_info']))
    expect(byName.macvlan_doctor_status?.metrics[0]?.value).toBe('2')
    const parentDown = byName.macvlan_doctor_check_status?.metrics.find((metric) => metric.labels?.check === 'parent-down')
    expect(parentDown).toEqual({labels: {check: 'parent-down', network: 'lan'}, value: '2'})
    const labels = families.flatMap((family) => family.metrics.flatMap((metric) => Object.values(metric.labels ?? {})))
    for (const value of labels) expect(value).not.toMatch(/\d+\.\d+\.\d+\.\d+|([0-9a-f]{2}:){5}/)
    expect(byName.macvlan_doctor_last_run_timestamp_seconds?.metrics[0]?.value).toBe(String(Date.parse('2026-01-01T00:00:00.000Z') / 1000))
  })
})

describe('nagios', () => {
  it.each([
    ['healthy', /^MACVLAN OK - \d+ checks passed \| problems=0;;;0 failed=0;;;0 warnings=0;;;0 errors=0;;;0 passed=\d+;;;0 skipped=\d+;;;0 probe_time=U;;;0\n$/],
    ['host-isolation', /^MACVLAN WARNING - 1 problem: host-isolation \(eth1\) \(0 failed, 1 warnings\) \| /],
    ['parent-down', /^MACVLAN CRITICAL - 1 problem: parent-down \(eth1\) \(1 failed, 0 warnings\) \| /],
  ])('%s gives one Monitoring Plugins line', (name, line) => {
    expect(render(goldenReport(name), 'nagios', {color: false, verbose: false})).toMatch(line)
  })
})

describe('table', () => {
  it('says which throw-away namespaces a killed run had left, and that this run removed them', () => {
    const probes = {startedAt: '2026-01-01T00:00:00.000Z', durationMs: 0, timeoutMs: 1000, icmpEngine: 'ping' as const, records: [], skipped: [], removedStale: ['mvd-probe-4242-0a1b2c']}
    const report = {...goldenReport('healthy'), probes}
    expect(render(report, 'table', {color: false, verbose: false, columns: 120})).toContain('\n  removed, left by a killed run: mvd-probe-4242-0a1b2c\n')
    expect(render(report, 'table', {color: false, verbose: false})).toContain('\n# removed, left by a killed run: mvd-probe-4242-0a1b2c\n')
  })
})
