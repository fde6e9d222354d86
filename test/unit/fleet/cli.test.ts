/** The built `macvlan fleet` as a user runs it: exit codes in every format, and one line with exit 3 for bad input. Run `npm run build` first. */
import {fileURLToPath} from 'node:url'
import {execa} from 'execa'
import {describe, expect, it} from 'vitest'

import {bundleFixture, fixturePath, OLD_SNAPSHOT} from '../../helpers/fixtures.js'
import {derivedBundle, SECOND_HOST, writeFleet} from '../../helpers/fleet.js'

const BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url))

function macvlan(args: string[]) {
  // vitest sets NODE_ENV=test, under which oclif adds a warning of its own to a parse error: a user's shell has no such setting.
  return execa(process.execPath, [BIN, ...args], {reject: false, env: {NO_COLOR: '1', NODE_ENV: ''}})
}

const overlapping = () =>
  writeFleet({'vm.json': bundleFixture('healthy'), 'dockerhost2.json': derivedBundle('healthy', {hostname: 'dockerhost2', replace: SECOND_HOST})})

describe('macvlan fleet', () => {
  const files = overlapping()

  it('exits 2 on two hosts with the same range on one LAN, naming both hosts in the table', async () => {
    const table = await macvlan(['fleet', ...files])
    expect(table.exitCode).toBe(2)
    expect(table.stdout).toMatch(/^# status: FAIL, 1 problem: fleet-range-overlap \(lan on vm, dockerhost2\) \(4 failed, 0 warnings, 0 errors, 0 skipped, 2 passed\)\n# hosts: vm \(bundle .*vm\.json, saved /)
  })

  it('exits 2 in JSON mode too, with the hosts compared', async () => {
    const json = await macvlan(['fleet', '--json', ...files])
    expect(json.exitCode).toBe(2)
    expect(JSON.parse(json.stdout)).toMatchObject({status: 'fail', fleet: {hosts: [{name: 'vm', kind: 'bundle'}, {name: 'dockerhost2', kind: 'bundle'}]}})
  })

  it('titles a Markdown ticket with the fleet and its problem, without a probe section', async () => {
    const markdown = await macvlan(['fleet', '--format', 'markdown', ...files])
    expect(markdown.exitCode).toBe(2)
    expect(markdown.stdout.split('\n')[0]).toBe('# macvlan fleet: FAIL on 2 hosts (`vm`, `dockerhost2`), 1 problem: fleet-range-overlap (lan on vm, dockerhost2)')
    expect(markdown.stdout).not.toContain('## Probes')
  })

  it('gives Nagios its line and Prometheus series of its own, apart from the doctor\'s', async () => {
    const [nagios, prometheus] = await Promise.all([macvlan(['fleet', '--format', 'nagios', ...files]), macvlan(['fleet', '--format', 'prometheus', ...files])])
    expect(nagios.stdout).toMatch(/^MACVLAN FLEET CRITICAL - 1 problem: fleet-range-overlap \(lan on vm, dockerhost2\)/)
    expect(prometheus.stdout).toContain('\nmacvlan_fleet_status 2\n')
    expect(prometheus.stdout).toContain('macvlan_fleet_check_status{check="fleet-range-overlap",network="lan"} 2')
    expect(prometheus.stdout).not.toContain('macvlan_doctor_')
  })

  it('exits 1 on a warning only, and 0 with --fail-on fail', async () => {
    const files = writeFleet({'vm.json': bundleFixture('healthy'), 'branch.json': derivedBundle('healthy', {hostname: 'branch', ipam: {lan: {subnet: '10.7.0.0/24', gateway: '10.7.0.1', ipRange: '10.7.0.128/25'}}})})
    const [plain, failOnly] = await Promise.all([macvlan(['fleet', ...files]), macvlan(['fleet', '--fail-on', 'fail', ...files])])
    expect(plain.exitCode).toBe(1)
    expect(failOnly.exitCode).toBe(0)
  })

  it('explains a fleet check by id or code', async () => {
    const [byId, byCode] = await Promise.all([macvlan(['explain', 'fleet-range-overlap']), macvlan(['explain', 'MVF001'])])
    expect(byId.exitCode).toBe(0)
    expect(byId.stdout).toMatch(/^# fleet-range-overlap\n\n\*\*Code:\*\* MVF001 · \*\*Severity:\*\* fail/)
    expect(byCode.stdout).toBe(byId.stdout)
  })

  it('reads a snapshot of schema version 1 beside a bundle', async () => {
    const [other] = writeFleet({'dockerhost2.json': derivedBundle('healthy', {hostname: 'dockerhost2', replace: SECOND_HOST})})
    const result = await macvlan(['fleet', '--json', OLD_SNAPSHOT, other as string])
    expect(result.stderr).toBe('')
    expect(JSON.parse(result.stdout).fleet.hosts).toMatchObject([{name: 'vm', kind: 'snapshot'}, {name: 'dockerhost2', kind: 'bundle'}])
  })
})

describe('macvlan fleet: bad input is one line and exit 3', () => {
  const [report] = writeFleet({'report.json': {schemaVersion: 1, status: 'ok', checks: []}})
  const cases: Array<[string, () => string[], RegExp]> = [
    ['a missing file', () => [fixturePath('healthy'), '/nonexistent/host.json'], /^macvlan: cannot read snapshot \/nonexistent\/host\.json: no such file — /],
    ['a file that is not a bundle', () => [fixturePath('healthy'), fileURLToPath(new URL('../../../package.json', import.meta.url))], /is not a macvlan-doctor snapshot \(no schemaVersion\)/],
    ['a doctor report', () => [fixturePath('healthy'), report as string], /report\.json is a macvlan-doctor report, not a snapshot or bundle/],
    ['one file only', () => [fixturePath('healthy')], /^macvlan: macvlan fleet compares hosts: it needs the files of at least two, and got only .*healthy\.json — Pass one bundle per host/],
    ['no file', () => [], /it needs the files of at least two, and got none/],
    ['an unknown flag', () => [fixturePath('healthy'), fixturePath('parent-down'), '--bogus'], /^macvlan: Nonexistent flag: --bogus — See macvlan fleet --help\./],
    ['the same file twice', () => [fixturePath('healthy'), fixturePath('healthy')], /healthy\.json and .*healthy\.json are the same file/],
    ['two files of one host', () => [fixturePath('healthy'), fixturePath('parent-down')], /healthy\.json and .*parent-down\.json are both from host vm: comparing a host with itself finds nothing/],
  ]

  it.each(cases)('%s', async (_what, files, message) => {
    const result = await macvlan(['fleet', ...files()])
    expect(result.exitCode).toBe(3)
    expect(result.stdout).toBe('')
    expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(1)
    expect(result.stderr).toMatch(message)
  })

  it('prints the error as JSON under --json', async () => {
    const json = await macvlan(['fleet', '--json', fixturePath('healthy')])
    expect(json.exitCode).toBe(3)
    expect(JSON.parse(json.stdout)).toMatchObject({status: 'unknown', error: {code: 'usage'}})
  })
})
