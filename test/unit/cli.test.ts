/** The built `macvlan` binary, run as a user runs it: exit codes, one-line errors, clean stdout. Run `npm run build` first (npm test does). */
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {execa} from 'execa'
import {describe, expect, it} from 'vitest'

import {redactSnapshot} from '../../src/pipeline.js'
import {SNAPSHOT_SCHEMA_VERSION} from '../../src/snapshot/types.js'
import {fixture} from '../helpers/fixtures.js'

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
const FIXTURES = fileURLToPath(new URL('../../fixtures/snapshots/', import.meta.url))
const NO_DOCKER = {DOCKER_HOST: 'unix:///nonexistent/docker.sock'}

function macvlan(args: string[], env: Record<string, string> = {}) {
  return execa(process.execPath, [BIN, ...args], {reject: false, env: {NO_COLOR: '1', ...NO_DOCKER, ...env}, extendEnv: true})
}

describe('macvlan doctor --from (offline replay)', () => {
  it('exits 0 with a clean table for the healthy lab host', async () => {
    const result = await macvlan(['doctor', '--from', join(FIXTURES, 'healthy.json')])
    expect(result.exitCode).toBe(0)
    // Not a terminal: the plain list, here only its status line.
    expect(result.stdout).toMatch(/^# status: OK, 0 problems \(/)
    expect(result.stdout).not.toContain('\u001B[')
  })

  it('exits 2 and shows the failure with its fix for a parent that is down, in table and JSON mode alike', async () => {
    const table = await macvlan(['doctor', '--from', join(FIXTURES, 'parent-down.json')])
    expect(table.exitCode).toBe(2)
    expect(table.stdout).toContain('\nFAIL\tparent-down\tMVD004\tlan\t-\teth1\tParent eth1 is administratively down')
    const json = await macvlan(['doctor', '--json', '--from', join(FIXTURES, 'parent-down.json')])
    expect(json.exitCode).toBe(2)
    const report = JSON.parse(json.stdout)
    expect(report).toMatchObject({schemaVersion: 1, status: 'fail', tool: {name: 'macvlan-doctor'}, source: {kind: 'replay'}})
    expect(report.checks).toContainEqual(expect.objectContaining({id: 'parent-down', code: 'MVD004', outcome: 'fail', subject: {network: 'lan', interface: 'eth1'}}))
  })

  it.each(['host-isolation', 'parent-missing', 'dhcp-overlap'])('replays a redacted snapshot of %s to the status and exit code of the original', async (name) => {
    const dir = mkdtempSync(join(tmpdir(), 'mvd-cli-'))
    const [original, path] = [join(dir, 'snapshot.json'), join(dir, 'redacted.json')]
    // The snapshot alone, as `collect -o` writes it: the fixture's bundle without its probes.
    writeFileSync(original, JSON.stringify(fixture(name)))
    writeFileSync(path, JSON.stringify(redactSnapshot(fixture(name))))
    const plain = await macvlan(['doctor', '--json', '--from', original])
    const redacted = await macvlan(['doctor', '--json', '--from', path])
    expect(redacted.stderr).toBe('')
    expect(redacted.exitCode).toBe(plain.exitCode)
    expect(JSON.parse(redacted.stdout).status).toBe(JSON.parse(plain.stdout).status)
  })

  it('limits the report to one network with --network, and refuses an unknown one', async () => {
    const json = await macvlan(['doctor', '--json', '--network', 'lan', '--from', join(FIXTURES, 'healthy.json')])
    // Host-wide checks name no network; every other one is about lan.
    const networks = JSON.parse(json.stdout).checks.flatMap((check: {subject: {network?: string}}) => check.subject.network ?? [])
    expect(new Set(networks)).toEqual(new Set(['lan']))
    const unknown = await macvlan(['doctor', '--network', 'nope', '--from', join(FIXTURES, 'healthy.json')])
    expect(unknown.exitCode).toBe(3)
    expect(unknown.stderr.trim()).toBe('macvlan: no macvlan or ipvlan network named nope — Networks found: lan.')
  })

  it('redacts addresses, network and container names with --redact, keeping the verdict and exit code', async () => {
    const plain = await macvlan(['doctor', '--json', '--from', join(FIXTURES, 'parent-missing.json')])
    const json = await macvlan(['doctor', '--json', '--redact', '--from', join(FIXTURES, 'parent-missing.json')])
    expect(json.stdout).not.toMatch(/192\.168\.7[78]\.\d+|orphan|"lan"/)
    expect(JSON.parse(json.stdout)).toMatchObject({redacted: true, status: JSON.parse(plain.stdout).status})
    expect(json.exitCode).toBe(plain.exitCode)
  })
})

describe('bad input and a broken environment', () => {
  it('gives one line and exit 3 for a malformed snapshot, JSON on stdout under --json', async () => {
    const table = await macvlan(['doctor', '--from', join(FIXTURES, '../../package.json')])
    expect(table.exitCode).toBe(3)
    expect(table.stderr.trim().split('\n')).toHaveLength(1)
    expect(table.stderr).toMatch(/^macvlan: .*is not a macvlan-doctor snapshot \(no schemaVersion\) — Pass a file written by `macvlan doctor --save FILE` or `macvlan collect -o FILE`\./)
    const json = await macvlan(['doctor', '--json', '--from', '/nonexistent.json'])
    expect(json.exitCode).toBe(3)
    expect(JSON.parse(json.stdout)).toMatchObject({status: 'unknown', error: {code: 'snapshot-unreadable'}})
  })

  it('escapes a terminal control sequence in the one-line error, and keeps it under --json', async () => {
    const name = 'lan\u001B]0;owned\u0007'
    const table = await macvlan(['doctor', '--from', join(FIXTURES, 'healthy.json'), '--network', name])
    expect(table.exitCode).toBe(3)
    // eslint-disable-next-line no-control-regex -- asserting that no control character gets through
    expect(table.stderr).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/)
    expect(table.stderr).toContain('no macvlan or ipvlan network named lan\\x1b]0;owned\\x07')
    const json = await macvlan(['doctor', '--json', '--from', join(FIXTURES, 'healthy.json'), '--network', name])
    expect(JSON.parse(json.stdout).error.message).toContain(name)
  })

  it('exits 3 for an unknown flag, with no stack trace', async () => {
    const result = await macvlan(['doctor', '--frobnicate'])
    expect(result.exitCode).toBe(3)
    expect(result.stderr).toMatch(/^macvlan: Nonexistent flag: --frobnicate — See macvlan doctor --help\./)
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })

  it('reports an unreachable Docker daemon once, as status unknown, exit 3', async () => {
    const result = await macvlan(['doctor', '--json'])
    expect(result.exitCode).toBe(3)
    const report = JSON.parse(result.stdout)
    expect(report.status).toBe('unknown')
    expect(report.collectionErrors).toContainEqual(expect.objectContaining({slice: 'networks', code: 'docker-unreachable'}))
    const table = await macvlan(['doctor'])
    expect(table.stdout.match(/could not collect/g)).toHaveLength(1)
    expect(table.stdout).toContain('could not collect docker, networks, containers, containerViews: the Docker daemon is not reachable')
  })

  it('names the package to install when ip and docker are missing', async () => {
    const result = await macvlan(['doctor'], {PATH: '/nonexistent'})
    expect(result.exitCode).toBe(3)
    expect(result.stdout).toContain('`ip` is not installed or not on PATH — Install iproute2.')
    expect(result.stdout).toContain('the docker CLI is not installed or not on PATH — Install docker.io (Debian/Ubuntu) or docker-ce-cli.')
  })
})

describe('macvlan collect, explain, rules', () => {
  it('writes a snapshot that replays offline', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mvd-cli-')), 'host.json')
    const collected = await macvlan(['collect', '-o', out])
    expect(collected.exitCode).toBe(0)
    const snapshot = JSON.parse(readFileSync(out, 'utf8'))
    expect(snapshot).toMatchObject({schemaVersion: SNAPSHOT_SCHEMA_VERSION, command: ['macvlan', 'collect', '-o', out], links: {data: expect.any(Array)}})
    const replayed = await macvlan(['doctor', '--json', '--from', out])
    expect(JSON.parse(replayed.stdout).source.kind).toBe('replay')
  })

  it('refuses to write into a missing directory with one line', async () => {
    const result = await macvlan(['collect', '-o', '/nonexistent/dir/host.json'])
    expect(result.exitCode).toBe(3)
    expect(result.stderr.trim()).toMatch(/^macvlan: cannot write \/nonexistent\/dir\/host\.json: .* — Choose a writable path\.$/)
  })

  it('explains a rule by id or code, and lists all rules', async () => {
    const byId = await macvlan(['explain', 'parent-down'])
    expect(byId.stdout).toMatch(/^# parent-down/)
    expect((await macvlan(['explain', 'mvd004'])).stdout).toBe(byId.stdout)
    const unknown = await macvlan(['explain', 'nope'])
    expect(unknown.exitCode).toBe(3)
    const rules = JSON.parse((await macvlan(['rules', '--json'])).stdout)
    expect(rules.map((rule: {id: string}) => rule.id)).toContain('parent-missing')
    // In a pipe: one tab-separated line per rule, no box.
    const listed = (await macvlan(['rules'])).stdout.trimEnd().split('\n')
    expect(listed).toHaveLength(rules.length)
    expect(listed).toContain('MVD004\tparent-down\tfail\tParent interface is up')
  })

  it('documents the exit codes in --help', async () => {
    const help = await macvlan(['doctor', '--help'])
    expect(help.exitCode).toBe(0)
    expect(help.stdout).toContain('3  could not diagnose')
  })

  it('documents one meaning per exit code of fix in its --help', async () => {
    const help = (await macvlan(['fix', '--help'])).stdout.replaceAll(/\s+/g, ' ')
    expect(help).toContain("0/1/2 the host's status (ok, warn, fail): of the plan, or after --apply once the fix verified")
    expect(help).toContain('4 rolled back: a command or the verification failed, and everything done was undone (the host is as it was)')
    expect(help).toContain('5 the rollback itself failed somewhere')
  })
})

describe('formats and health-check policy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mvd-fmt-'))
  const warnHost = join(FIXTURES, 'host-isolation.json')

  it('writes any format to --output atomically and prints nothing', async () => {
    const out = join(dir, 'report.prom')
    const result = await macvlan(['doctor', '--from', warnHost, '--format', 'prometheus', '--output', out])
    expect(result.stdout).toBe('')
    expect(readFileSync(out, 'utf8')).toMatch(/^# HELP macvlan_doctor_status/)
    expect(result.exitCode).toBe(1)
  })

  it('--fail-on fail lets warnings exit 0; --ignore drops a check from the report and the exit code', async () => {
    const nagios = await macvlan(['doctor', '--from', warnHost, '--format', 'nagios', '--fail-on', 'fail'])
    expect(nagios.exitCode).toBe(0)
    expect(nagios.stdout).toMatch(/^MACVLAN OK - 1 problem: host-isolation \(eth1\)/)
    const ignored = await macvlan(['doctor', '--from', warnHost, '--json', '--ignore', 'host-isolation'])
    expect(ignored.exitCode).toBe(0)
    const report = JSON.parse(ignored.stdout)
    expect(report.ignored).toEqual(['host-isolation'])
    expect(report.checks.some((check: {id: string}) => check.id === 'host-isolation')).toBe(false)
  })

  it('reads ignores, failOn and DHCP ranges from --config, and refuses a bad one in one line', async () => {
    const config = join(dir, 'config.json')
    writeFileSync(config, JSON.stringify({ignore: ['host-isolation'], dhcpRanges: ['192.168.77.192-192.168.77.200']}))
    const report = JSON.parse((await macvlan(['doctor', '--from', warnHost, '--json', '--config', config])).stdout)
    expect(report.ignored).toEqual(['host-isolation'])
    expect(report.checks.find((check: {id: string}) => check.id === 'dhcp-overlap').outcome).toBe('fail')
    writeFileSync(config, JSON.stringify({failOn: 'sometimes'}))
    const bad = await macvlan(['doctor', '--from', warnHost, '--config', config])
    expect(bad.exitCode).toBe(3)
    expect(bad.stderr.trim()).toBe(`macvlan: config ${config}: "failOn" must be "warn" or "fail" — Fix the file (keys: ignore, failOn, dhcpRanges, macSprawlThreshold, dhcpTimeoutMs) or pass another with --config.`)
    writeFileSync(config, JSON.stringify({dhcpTimeoutMs: 50}))
    expect((await macvlan(['doctor', '--from', warnHost, '--config', config])).stderr).toContain('"dhcpTimeoutMs" must be a whole number of milliseconds, from 100 to 60000')
  })

  it('keeps the table free of colour codes in a pipe', async () => {
    const result = await macvlan(['doctor', '--from', warnHost], {NO_COLOR: ''})
    expect(result.stdout).not.toContain('\u001B[')
  })
})

describe('macvlan --version', () => {
  it("prints oclif's own user agent, though it answers without loading oclif", async () => {
    const {Config} = await import('@oclif/core')
    const config = await Config.load(fileURLToPath(new URL('../..', import.meta.url)))
    const result = await macvlan(['--version'])
    expect(result.stdout).toBe(config.userAgent)
    expect(result.exitCode).toBe(0)
  })
})

describe('macvlan fix', () => {
  it('prints the plan for a saved snapshot, exits with the host status, and marks it print-only', async () => {
    const result = await macvlan(['fix', '--from', join(FIXTURES, 'shim-without-route.json')])
    expect(result.exitCode).toBe(2)
    expect(result.stdout).toContain('(from a saved snapshot: print only)')
    expect(result.stdout).toContain('    ip route add 192.168.77.192/27 dev lan-shim\n')
    expect(result.stderr).toBe('')
  })

  it('prints a redacted plan with --redact, and will not apply one', async () => {
    const result = await macvlan(['fix', '--redact', '--from', join(FIXTURES, 'shim-without-route.json')])
    expect(result.exitCode).toBe(2)
    expect(result.stdout).toMatch(/ {4}ip route add [\d.]+\/27 dev net-1-shim\n/)
    expect(result.stdout).not.toMatch(/192\.168\.77\.|(?<![\w-])lan\b/)
    const apply = await macvlan(['fix', '--redact', '--apply'])
    expect(apply.exitCode).toBe(3)
    expect(apply.stderr).toBe('macvlan: --redact hides the names and addresses that --apply and --persist must show before they change this host — Drop --redact to apply, or drop --apply/--persist to print a redacted plan.')
  })

  it('refuses to apply a saved snapshot, which may describe another host', async () => {
    const result = await macvlan(['fix', '--apply', '--from', join(FIXTURES, 'host-isolation.json')])
    expect(result.exitCode).toBe(3)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe('macvlan: --apply and --persist change this host, and a saved snapshot may describe another — Drop --from to fix this host, or drop --apply/--persist to print the plan.')
  })

  it.each([['--apply'], ['--persist']])('refuses %s without root before touching anything', async (flag) => {
    const result = await execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, 'fix', flag], {reject: false, env: {NO_COLOR: '1', HOME: tmpdir(), ...NO_DOCKER}})
    expect(result.exitCode).toBe(3)
    expect(result.stderr).toMatch(/^macvlan: --apply and --persist change links, routes and files in \/etc, which needs root — Run it as root: sudo macvlan fix --(apply|persist)$/)
  })
})
