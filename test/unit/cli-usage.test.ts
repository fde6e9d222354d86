/** How the built `macvlan` binary treats what a person types: help, typos, parse errors, odd values, conflicting flags. */
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {execa} from 'execa'
import {describe, expect, it} from 'vitest'

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
const FIXTURES = fileURLToPath(new URL('../../fixtures/snapshots/', import.meta.url))
const HEALTHY = join(FIXTURES, 'healthy.json')
const dir = mkdtempSync(join(tmpdir(), 'mvd-usage-'))

function macvlan(args: string[]) {
  return execa(process.execPath, [BIN, ...args], {reject: false, env: {NO_COLOR: '1', DOCKER_HOST: 'unix:///nonexistent/docker.sock', HOME: dir, NODE_ENV: ''}, extendEnv: true})
}

/** A usage error: one line on stderr (JSON on stdout under --json) that names the flag or argument, exit 3. */
async function expectUsageError(args: string[], pattern: RegExp) {
  const result = await macvlan(args)
  expect(result.exitCode).toBe(3)
  if (args.includes('--json')) {
    expect(JSON.parse(result.stdout)).toMatchObject({status: 'unknown', error: {code: 'usage', message: expect.stringMatching(pattern)}})
    return
  }
  expect(result.stdout).toBe('')
  const lines = result.stderr.trim().split('\n')
  expect(lines, result.stderr).toHaveLength(1)
  expect(lines[0]).toMatch(/^macvlan: /)
  expect(lines[0]).toMatch(pattern)
  expect(lines[0]).not.toMatch(/: —|error occurred: —/)
}

describe('help', () => {
  it.each([[['help', 'doctor']], [['doctor', '-h']], [['doctor', '--help']]])('%j prints the doctor help and exits 0', async (args) => {
    const result = await macvlan(args)
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain('Diagnose the Docker macvlan networks on this host.')
    expect(result.stdout).toContain('3  could not diagnose')
  })

  it('lists every command with `macvlan help`', async () => {
    const result = await macvlan(['help'])
    expect(result.exitCode).toBe(0)
    for (const command of ['doctor', 'fix', 'fleet', 'plan', 'collect', 'explain', 'rules', 'autocomplete']) expect(result.stdout).toMatch(new RegExp(`^\\s+${command}\\s`, 'm'))
  })

  it('prints a completion script for bash and zsh', async () => {
    for (const shell of ['bash', 'zsh']) {
      const result = await macvlan(['autocomplete', 'script', shell])
      expect(result.exitCode).toBe(0)
      expect(result.stdout).toContain('macvlan')
    }
  })
})

describe('usage errors keep the reason and exit 3', () => {
  it('suggests the command a typo meant', async () => {
    await expectUsageError(['doctr'], /command doctr not found.*Did you mean doctor\?/i)
  })

  it('names a missing required flag or argument', async () => {
    await expectUsageError(['collect'], /--output/)
    await expectUsageError(['explain'], /Missing 1 required arg.*\bid\b/)
  })

  it('says why a value does not parse', async () => {
    await expectUsageError(['doctor', '--from', HEALTHY, '--concurrency', '0'], /--concurrency.*greater than or equal to 1/)
    await expectUsageError(['doctor', '--from', HEALTHY, '--format', 'yaml'], /--format.*yaml.*table/)
  })

  it('bounds every number so no timer overflows', async () => {
    await expectUsageError(['doctor', '--from', HEALTHY, '--probe-timeout', '3000000000'], /--probe-timeout.*less than or equal to/)
    await expectUsageError(['doctor', '--from', HEALTHY, '--dhcp-timeout', '3000000000'], /--dhcp-timeout.*less than or equal to/)
    await expectUsageError(['doctor', '--from', HEALTHY, '--timeout', '3000000000'], /--timeout.*less than or equal to/)
    await expectUsageError(['doctor', '--from', HEALTHY, '--concurrency', '100000'], /--concurrency.*less than or equal to/)
    await expectUsageError(['collect', '-o', join(dir, 'x.json'), '--timeout', '3000000000'], /--timeout.*less than or equal to/)
  })

  it('refuses empty names instead of widening the run', async () => {
    await expectUsageError(['doctor', '--from', ''], /--from.*empty/)
    await expectUsageError(['doctor', '--from', HEALTHY, '--network', ''], /--network.*empty/)
    await expectUsageError(['doctor', '--from', HEALTHY, '--output', ''], /--output.*empty/)
  })

  it('refuses unknown check ids in --ignore and in the config file, listing the valid ones', async () => {
    await expectUsageError(['doctor', '--from', HEALTHY, '--ignore', 'nosuch-check'], /unknown check id nosuch-check.*parent-down/)
    const config = join(dir, 'config.json')
    writeFileSync(config, JSON.stringify({ignore: ['host-isolatoin']}))
    await expectUsageError(['doctor', '--from', HEALTHY, '--config', config], /host-isolatoin.*host-isolation/)
  })

  it('refuses flags that contradict each other', async () => {
    await expectUsageError(['doctor', '--from', HEALTHY, '--json', '--format', 'markdown'], /--json.*--format/)
    await expectUsageError(['fix', '--from', HEALTHY, '--json', '--format', 'markdown'], /--json.*--format/)
    await expectUsageError(['doctor', '--from', HEALTHY, '--no-probe', '--probe-timeout', '500'], /--probe-timeout.*--no-probe/)
  })
})

describe('saved snapshots must be what they claim', () => {
  const healthy = JSON.parse(readFileSync(HEALTHY, 'utf8')) as Record<string, unknown>
  it.each([[0], [-1], [0.5], ['1']])('refuses schemaVersion %j', async (schemaVersion) => {
    const path = join(dir, `version-${String(schemaVersion)}.json`)
    writeFileSync(path, JSON.stringify({...healthy, schemaVersion}))
    await expectUsageError(['doctor', '--from', path], /schemaVersion/)
  })

  it('refuses a collectedAt that is not a date', async () => {
    const path = join(dir, 'not-a-date.json')
    writeFileSync(path, JSON.stringify({...healthy, collectedAt: 'not a date'}))
    await expectUsageError(['doctor', '--from', path], /collectedAt/)
  })
})

describe('one flag vocabulary for doctor and fix', () => {
  it('writes to stdout with --output - in doctor as in collect', async () => {
    const result = await macvlan(['doctor', '--from', HEALTHY, '--format', 'nagios', '--output', '-'])
    expect(result.stdout).toMatch(/^MACVLAN OK/)
  })

  it('gives fix the same --format names, --output and --redact', async () => {
    const snapshot = join(FIXTURES, 'shim-without-route.json')
    const table = await macvlan(['fix', '--from', snapshot, '--format', 'table'])
    expect(table.exitCode).toBe(2)
    expect(table.stdout).toContain('ip route add 192.168.77.192/27 dev lan-shim')
    const out = join(dir, 'fix.md')
    const written = await macvlan(['fix', '--from', snapshot, '--format', 'markdown', '--redact', '--output', out])
    expect(written.stdout).toBe('')
    const markdown = readFileSync(out, 'utf8')
    expect(markdown).toMatch(/^# /)
    expect(markdown).not.toMatch(/192\.168\.77\./)
    const json = await macvlan(['fix', '--from', snapshot, '--json'])
    expect(JSON.parse(json.stdout)).toMatchObject({plan: {status: 'fail'}})
  })
})

describe('in the container image (the host root is mounted read-only below MACVLAN_DOCTOR_HOST_ROOT)', () => {
  it("refuses --persist, which would write the container's /etc instead of the host's", async () => {
    const result = await execa(process.execPath, [BIN, 'fix', '--persist', '--yes'], {reject: false, env: {NO_COLOR: '1', DOCKER_HOST: 'unix:///nonexistent/docker.sock', HOME: dir, NODE_ENV: '', MACVLAN_DOCTOR_HOST_ROOT: dir}})
    expect(result.exitCode).toBe(3)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toMatch(/^macvlan: --persist writes the host's network files/)
  })
})
