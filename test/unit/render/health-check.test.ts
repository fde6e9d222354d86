/** What monitoring reads: a status word that matches the exit code, stable perfdata, series that clear on a healthy host. */
import parsePrometheus from 'parse-prometheus-text-format'
import {describe, expect, it} from 'vitest'

import type {Report} from '../../../src/engine/report.js'
import {exitCodeFor} from '../../../src/engine/status.js'
import {describeProbe} from '../../../src/probe/describe.js'
import type {ProbeRecord, ProbeResults} from '../../../src/probe/types.js'
import {render} from '../../../src/render/index.js'
import {goldenReport} from '../../helpers/golden.js'

const record = (purpose: ProbeRecord['purpose'], outcome: ProbeRecord['outcome'], extra: Partial<ProbeRecord> = {}): ProbeRecord => ({purpose, kind: 'icmp', from: {namespace: 'host'}, target: '192.168.77.193', network: 'lan', outcome, command: 'ping', ...extra})

function probed(report: Report, records: ProbeRecord[]): Report {
  const probes: ProbeResults = {startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1234, timeoutMs: 1000, icmpEngine: 'ping', records, skipped: []}
  return {...report, source: {...report.source, kind: 'live'}, command: ['macvlan', 'doctor'], probes}
}

/** The same probes, not sent by this run but replayed from a bundle saved earlier. */
function replayed(report: Report): Report {
  return {...report, source: {...report.source, kind: 'replay', replayedProbes: {savedAt: '2026-01-01T00:00:09.000Z', host: 'host-1', sentAt: '2026-01-01T00:00:00.000Z'}}}
}

const perfLabels = (line: string) => (line.split(' | ')[1] ?? '').trim().split(' ').map((entry) => entry.split('=')[0])

describe('nagios and the status line under --fail-on', () => {
  it('--fail-on fail makes a warning OK in the status word, as in the exit code', () => {
    const report = goldenReport('host-isolation')
    expect(render(report, 'nagios', {color: false, verbose: false, failOn: 'fail'})).toMatch(/^MACVLAN OK - 1 problem: host-isolation/)
    expect(exitCodeFor(report.status, 'fail')).toBe(0)
    expect(render(report, 'nagios', {color: false, verbose: false, failOn: 'warn'})).toMatch(/^MACVLAN WARNING - /)
    expect(render(goldenReport('parent-down'), 'nagios', {color: false, verbose: false, failOn: 'fail'})).toMatch(/^MACVLAN CRITICAL - /)
  })

  it('the table states the status under the policy, and the one it would be without it', () => {
    const text = render(goldenReport('host-isolation'), 'table', {color: false, verbose: false, columns: 120, failOn: 'fail'})
    expect(text).toContain('status: OK (WARN under the default policy; --fail-on fail), 1 problem: host-isolation (eth1) (0 failed, 1 warnings,')
    expect(render(goldenReport('host-isolation'), 'table', {color: false, verbose: false, failOn: 'fail'})).toMatch(/^# status: OK, 1 problem/)
  })

  it('has the same perfdata labels with and without probes (U when probes did not run)', () => {
    const without = render(goldenReport('healthy'), 'nagios', {color: false, verbose: false})
    const withProbes = render(probed(goldenReport('healthy'), [record('host-to-container', 'reply', {rttMs: 0.4})]), 'nagios', {color: false, verbose: false})
    expect(perfLabels(without)).toEqual(perfLabels(withProbes))
    expect(without).toContain(' probe_time=U;;;0')
    expect(withProbes).toContain(' probe_time=1.234s;;;0')
  })

  it('says that the probes were replayed from a bundle, and times no probe phase of this run', () => {
    const line = render(replayed(probed(goldenReport('healthy'), [record('host-to-container', 'reply', {rttMs: 0.4})])), 'nagios', {color: false, verbose: false})
    expect(line).toMatch(/^MACVLAN OK - \d+ checks passed; probes replayed from a bundle saved at 2026-01-01T00:00:09\.000Z on host-1: sent at 2026-01-01T00:00:00\.000Z, not by this run \| /)
    expect(line).toContain(' probe_time=U;;;0')
    expect(perfLabels(line)).toEqual(perfLabels(render(goldenReport('healthy'), 'nagios', {color: false, verbose: false})))
  })
})

describe('prometheus', () => {
  const families = (report: Report) => Object.fromEntries(parsePrometheus(render(report, 'prometheus', {color: false, verbose: false})).map((family) => [family.name, family]))

  it('gives a check that does not apply no series, so an alert on 3 ("could not run") clears on a healthy host', () => {
    const report = goldenReport('healthy')
    const notApplicable = report.checks.filter((check) => check.outcome === 'skip' && check.skipKind === 'not-applicable').map((check) => check.id)
    expect(notApplicable.length).toBeGreaterThan(0)
    const statuses = families(report).macvlan_doctor_check_status?.metrics ?? []
    expect(statuses.filter((metric) => metric.value === '3')).toEqual([])
    for (const id of notApplicable) expect(statuses.map((metric) => metric.labels?.check)).not.toContain(id)
  })

  it('gives the slowest answer per group, and no RTT series where nothing answered', () => {
    const report = probed(goldenReport('healthy'), [record('host-to-container', 'reply', {rttMs: 0.5}), record('host-to-container', 'reply', {rttMs: 1.5}), record('host-to-gateway', 'no-reply', {target: '192.168.77.1'})])
    const byName = families(report)
    expect(byName.macvlan_doctor_probe_rtt_max_seconds?.metrics).toEqual([{labels: {network: 'lan', purpose: 'host-to-container'}, value: '0.0015'}])
    expect(byName.macvlan_doctor_probe_failures?.metrics).toContainEqual({labels: {network: 'lan', purpose: 'host-to-gateway'}, value: '1'})
  })

  it('tells probes sent by this run from replayed ones, and when they were sent', () => {
    const live = probed(goldenReport('healthy'), [record('host-to-container', 'reply', {rttMs: 0.5})])
    expect(families(live).macvlan_doctor_probes_replayed?.metrics).toEqual([{value: '0'}])
    expect(families(live).macvlan_doctor_probes_sent_timestamp_seconds?.metrics).toEqual([{value: '1767225600'}])
    expect(families(replayed(live)).macvlan_doctor_probes_replayed?.metrics).toEqual([{value: '1'}])
    expect(families(replayed(live)).macvlan_doctor_probes_sent_timestamp_seconds?.metrics).toEqual([{value: '1767225600'}])
    expect(families(goldenReport('healthy')).macvlan_doctor_probes_replayed).toBeUndefined()
  })
})

describe('probes in the report', () => {
  it('says why no probe ran: a replay, --no-probe, or facts that could not be collected', () => {
    const live = (report: Report, command: string[]): Report => ({...report, source: {...report.source, kind: 'live'}, command})
    const table = (report: Report) => render(report, 'table', {color: false, verbose: false, columns: 120})
    expect(table(goldenReport('parent-down'))).toContain('probes: none (replayed snapshot)')
    expect(table(live(goldenReport('parent-down'), ['macvlan', 'doctor', '--no-probe']))).toContain('probes: none (--no-probe)')
    const dockerDown: Report = {...live(goldenReport('parent-down'), ['macvlan', 'doctor']), collectionErrors: [{slice: 'containers', code: 'docker-unreachable', message: 'the Docker daemon is not reachable'}]}
    expect(table(dockerDown)).toContain('probes: none (nothing safe to aim at: containers could not be collected)')
    expect(render(dockerDown, 'markdown', {color: false, verbose: false})).toContain('None (nothing safe to aim at: containers could not be collected).')
  })

  it('names sender and receiver on each side of the arrow', () => {
    expect(describeProbe(record('host-to-container', 'reply', {container: 'db', rttMs: 0.3}))).toBe('host → db (192.168.77.193): reply in 0.3 ms')
    expect(describeProbe(record('container-to-gateway', 'no-reply', {from: {namespace: 'db'}, container: 'db', target: '192.168.77.1', l2: 'unresolved'}))).toBe('db → 192.168.77.1: no reply (L2: ARP unresolved, no frame got an answer)')
    expect(describeProbe(record('mac-filter-scratch', 'error', {from: {namespace: 'probe', mac: '02:00:00:00:00:01'}, target: '192.168.77.1', detail: 'arping failed'}))).toBe('throw-away MAC → 192.168.77.1: probe error (arping failed)')
  })
})
