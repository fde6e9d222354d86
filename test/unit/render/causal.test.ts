/** Causes before symptoms: a root cause leads, its consequences are folded under it, problems are counted, each fix printed once. */
import parsePrometheus from 'parse-prometheus-text-format'
import {describe, expect, it} from 'vitest'

import type {Report} from '../../../src/engine/report.js'
import {overallStatus} from '../../../src/engine/status.js'
import type {CheckResult} from '../../../src/engine/types.js'
import {render} from '../../../src/render/index.js'
import {goldenReport} from '../../helpers/golden.js'

/** Counts, status and problems as the engine derives them from the checks. */
function withChecks(report: Report, checks: CheckResult[]): Report {
  const counts: Report['counts'] = {pass: 0, warn: 0, fail: 0, skip: 0, error: 0}
  for (const check of checks) counts[check.outcome]++
  const problems = checks.filter((check) => (check.outcome === 'fail' || check.outcome === 'warn') && !check.causedBy?.length).length
  return {...report, checks, counts, status: overallStatus(checks), problems}
}

/** The parent-down host as the causal layer reports it: host isolation and both containers' routes fail because eth1 is down. */
function parentDownCascade(): Report {
  const report = goldenReport('parent-down')
  const root = report.checks.find((check) => check.id === 'parent-down')
  if (!root) throw new Error('no parent-down check')
  const cause = [{id: root.id, subject: root.subject}]
  const checks = report.checks.map((check): CheckResult => {
    if (check.id === 'host-isolation') return {...check, outcome: 'fail', message: 'The host cannot reach db, web.', fix: {summary: 'Create a shim.', commands: ['ip link add lan-shim link eth1 type macvlan mode bridge']}, causedBy: cause}
    if (check.id === 'container-route') return {...check, outcome: 'fail', message: `${check.subject.container} reaches nothing off its subnet.`, causedBy: cause}
    return check
  })
  return withChecks(report, checks)
}

const options = {color: false, verbose: false, columns: 120}

describe('a root cause with its consequences', () => {
  const report = parentDownCascade()

  it('the table shows the root cause once with what it explains, counts one problem, and prints its fix alone', () => {
    const text = render(report, 'table', options)
    expect(text).toContain('status: FAIL, 1 problem: parent-down (eth1) (4 failed, 0 warnings, 0 errors, 12 skipped, 27 passed)')
    expect(text).toMatch(/FAIL {3}parent-down +if eth1 +Parent eth1 is administratively down[^\n]*\n[\s\S]*also explains: host-isolation, container-route ×2/)
    expect(text).not.toMatch(/FAIL +(host-isolation|container-route)/)
    expect(text.match(/^fix /gm)).toEqual(['fix '])
    expect(text).not.toContain('ip link add lan-shim')
  })

  it('every format\'s first line names the root cause and counts one problem', () => {
    const counts = '(4 failed, 0 warnings, 0 errors, 12 skipped, 27 passed)'
    expect(render(report, 'table', options).split('\n')[0]).toBe(`status: FAIL, 1 problem: parent-down (eth1) ${counts}`)
    expect(render(report, 'table', {color: false, verbose: false}).split('\n')[0]).toBe(`# status: FAIL, 1 problem: parent-down (eth1) ${counts}`)
    expect(render(report, 'markdown', options).split('\n')[0]).toBe('# macvlan doctor: FAIL on `vm`, 1 problem: parent-down (eth1)')
    expect(render(report, 'nagios', options).split('\n')[0]).toMatch(/^MACVLAN CRITICAL - 1 problem: parent-down \(eth1\) \(4 failed/)
  })

  it('--verbose lists the consequences under their root cause', () => {
    const lines = render(report, 'table', {...options, verbose: true}).split('\n')
    const root = lines.findIndex((line) => /FAIL +parent-down /.test(line))
    const consequences = lines.slice(root).filter((line) => line.includes('↳ '))
    expect(consequences.map((line) => line.trim().split(/\s+/).slice(0, 3).join(' '))).toEqual(['FAIL ↳ host-isolation', 'FAIL ↳ container-route', 'FAIL ↳ container-route'])
  })

  it('the plain list names the root cause on each consequence', () => {
    const lines = render(report, 'table', {color: false, verbose: false}).trimEnd().split('\n')
    expect(lines[0]).toBe('# status: FAIL, 1 problem: parent-down (eth1) (4 failed, 0 warnings, 0 errors, 12 skipped, 27 passed)')
    expect(lines.filter((line) => line.startsWith('FAIL\t'))).toEqual([
      'FAIL\tparent-down\tMVD004\tlan\t-\teth1\tParent eth1 is administratively down: all 2 container(s) on lan are cut off, even from each other.\t-',
      'FAIL\thost-isolation\tMVD001\tlan\t-\teth1\tThe host cannot reach db, web.\tcaused by parent-down (eth1)',
      'FAIL\tcontainer-route\tMVD028\tlan\tdb\t-\tdb reaches nothing off its subnet.\tcaused by parent-down (eth1)',
      'FAIL\tcontainer-route\tMVD028\tlan\tweb\t-\tweb reaches nothing off its subnet.\tcaused by parent-down (eth1)',
    ])
  })

  it('the Markdown has one problem section, listing what it explains, with one fix', () => {
    const text = render(report, 'markdown', options)
    expect(text).toContain('**1 problem** · 4 failed')
    expect(text.match(/^### /gm)).toHaveLength(1)
    expect(text).toContain('### ❌ parent-down: Parent eth1 is administratively down\n')
    expect(text).toContain('**Also explains** host-isolation, container-route ×2, which need no fix of their own:\n\n- ❌ host-isolation, network `lan`, interface `eth1`: The host cannot reach db, web.\n')
    expect(text.match(/\*\*Fix:\*\*/g)).toHaveLength(1)
  })

  it('Nagios and Prometheus count problems before checks', () => {
    expect(render(report, 'nagios', options)).toMatch(/^MACVLAN CRITICAL - 1 problem: parent-down \(eth1\) \(4 failed, 0 warnings\) \| problems=1;;;0 failed=4;;;0 /)
    const families = parsePrometheus(render(report, 'prometheus', options))
    expect(families.find((family) => family.name === 'macvlan_doctor_problems')?.metrics).toEqual([{value: '1'}])
  })
})

describe('several root causes', () => {
  it('Nagios lists them worst first: failures before warnings, whatever the report order', () => {
    const report = goldenReport('healthy')
    const checks = report.checks.map((check): CheckResult => {
      if (check.id === 'mac-sprawl') return {...check, outcome: 'warn'}
      if (check.id === 'container-route' && check.subject.container === 'web') return {...check, outcome: 'fail'}
      return check
    })
    const first = checks.findIndex((check) => check.id === 'mac-sprawl')
    expect(first).toBeLessThan(checks.findIndex((check) => check.id === 'container-route'))
    expect(render(withChecks(report, checks), 'nagios', options)).toMatch(/^MACVLAN CRITICAL - 2 problems: container-route \(web\), mac-sprawl \(eth1\) \(1 failed, 1 warnings\) \| /)
  })

  it('a cause the report does not hold (an ignored check) leaves its consequence a problem of its own', () => {
    const report = parentDownCascade()
    const withoutRoot = withChecks(report, report.checks.filter((check) => check.id !== 'parent-down'))
    expect(render(withoutRoot, 'nagios', options)).toMatch(/^MACVLAN CRITICAL - 3 problems: host-isolation \(eth1\), container-route \(db\), container-route \(web\) /)
  })
})
