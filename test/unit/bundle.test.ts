/**
 * `doctor --save FILE` bundles (the snapshot plus what the probes sent, from where, and what came back) and
 * `doctor --from FILE` replaying them: the probed verdicts come back as the run that saved them reached them, with the
 * same evidence, and the report says they were replayed. Run with the built binary (`npm run build` first).
 */
import {copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {execa} from 'execa'
import {describe, expect, it} from 'vitest'

import {evaluateRules} from '../../src/engine/evaluate.js'
import {buildReport} from '../../src/engine/report.js'
import {redactDiagnosis} from '../../src/pipeline.js'
import {DEFAULT_SETTINGS, type CheckResult} from '../../src/engine/types.js'
import type {ProbeRecord} from '../../src/probe/types.js'
import {RULES} from '../../src/rules/index.js'
import {sliceData} from '../../src/snapshot/types.js'
import {bundleFixture, fixture, fixturePath, OLD_SNAPSHOT} from '../helpers/fixtures.js'

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'mvd-bundle-'))

function macvlan(args: string[]) {
  return execa(process.execPath, [BIN, ...args], {reject: false, env: {NO_COLOR: '1', DOCKER_HOST: 'unix:///nonexistent/docker.sock'}, extendEnv: true})
}

function written(name: string, content: string): string {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

const CONTEXT = {tool: {name: 'macvlan-doctor', version: 'test'}, command: ['macvlan', 'doctor', '--from', 'bundle.json'], generatedAt: '2026-01-01T00:00:00.000Z', replay: true}

/** An address, a CIDR or a MAC: what locates the host. */
const LOCATOR = /^(\d+\.\d+\.\d+\.\d+(\/\d+)?|[\da-f]{2}(:[\da-f]{2}){5})$/

/** Each string of `before` with the string at the same place in `after` (the same structure, redacted). */
function pairs(before: unknown, after: unknown, into = new Map<string, string>()): Map<string, string> {
  if (typeof before === 'string' && typeof after === 'string') into.set(before, after)
  else if (before && after && typeof before === 'object') {
    for (const [key, value] of Object.entries(before)) pairs(value, (after as Record<string, unknown>)[key], into)
  }
  return into
}

/** Verdicts and the evidence behind them, as a ticket reader sees them. */
const proofs = (checks: CheckResult[]) => checks.map(({id, outcome, subject, message, evidence}) => ({id, outcome, subject, message, evidence}))

/** Each probe kind, from the lab fixture whose verdict it decides. */
const KINDS = [
  {kind: 'icmp', fixture: 'host-isolation', check: 'host-isolation', outcome: 'warn'},
  {kind: 'arp', fixture: 'mac-filtered', check: 'mac-filtered', outcome: 'fail'},
  {kind: 'arp', purpose: 'duplicate-address', fixture: 'second-docker-host', check: 'ip-conflict', outcome: 'fail'},
  {kind: 'arp', purpose: 'duplicate-address', fixture: 'second-docker-host.docker-26.1', check: 'ip-conflict', outcome: 'fail'},
  {kind: 'dhcp', fixture: 'dhcp-overlap', check: 'dhcp-overlap', outcome: 'fail'},
] as const

describe('doctor --from a bundle replays the probes of the run that saved it', () => {
  it.each(KINDS)('$kind $purpose: $fixture gives the verdicts and evidence of the live run, marked as replayed', async (entry) => {
    const {kind, fixture, check, outcome} = entry
    const bundle = bundleFixture(fixture)
    const purpose = 'purpose' in entry ? entry.purpose : undefined
    expect(bundle.probes.records.some((record) => record.kind === kind && (!purpose || record.purpose === purpose) && record.outcome === 'reply')).toBe(true)
    // What the live run judged: the rules over its snapshot and its probe records.
    const live = evaluateRules(RULES, bundle, DEFAULT_SETTINGS, bundle.probes)
    expect(live.find((result) => result.id === check)?.outcome).toBe(outcome)

    const result = await macvlan(['doctor', '--json', '--from', fixturePath(fixture)])
    const report = JSON.parse(result.stdout)
    expect(proofs(report.checks)).toEqual(proofs(live))
    expect(report.probes).toEqual(bundle.probes)
    expect(report.source).toMatchObject({kind: 'replay', replayedProbes: {savedAt: bundle.savedAt, host: sliceData(bundle.host)?.hostname, sentAt: bundle.probes.startedAt}})
  })

  it.each(['dhcp-pool-reaches-range', 'dhcp-pool-reaches-range.docker-26.1'])(
    "%s: proves dhcp-overlap from the lab's offer of the very address asked for, inside Docker's range",
    (name) => {
      const bundle = bundleFixture(name)
      const offers = bundle.probes.records.flatMap((record) => record.offers ?? [])
      expect(offers).toContainEqual(expect.objectContaining({requested: '192.168.77.194', offered: '192.168.77.194'}))
      const result = evaluateRules(RULES, bundle, DEFAULT_SETTINGS, bundle.probes).find((check) => check.id === 'dhcp-overlap')
      expect(result?.outcome).toBe('fail')
      expect(result?.message).toMatch(/^Proven: the DHCP server 192\.168\.77\.1 offered 192\.168\.77\.194 when asked for it, inside Docker's range 192\.168\.77\.192\/27/)
      // Without the probes nothing proves it: the same snapshot alone leaves the question open.
      expect(evaluateRules(RULES, bundle, DEFAULT_SETTINGS).find((check) => check.id === 'dhcp-overlap')?.outcome).toBe('skip')
    },
  )

  it('says so in the table and in Markdown, never as probes of this run', async () => {
    const bundle = bundleFixture('healthy')
    const table = await macvlan(['doctor', '--from', fixturePath('healthy')])
    expect(table.stdout).toContain(`# probes replayed from a bundle saved at ${bundle.savedAt} on ${sliceData(bundle.host)?.hostname}`)
    const markdown = await macvlan(['doctor', '--format', 'markdown', '--from', fixturePath('healthy')])
    expect(markdown.stdout).toContain(`Replayed from a bundle saved at ${bundle.savedAt} on ${sliceData(bundle.host)?.hostname}`)
  })

  it('leaves the saved probes out with --no-probe, and says why', async () => {
    const report = JSON.parse((await macvlan(['doctor', '--json', '--no-probe', '--from', fixturePath('healthy')])).stdout)
    expect(report.probes).toBeUndefined()
    expect(report.source.replayedProbes).toBeUndefined()
  })
})

describe('doctor --save', () => {
  it('re-saves a replayed bundle as it was', async () => {
    const out = join(dir, 'again.json')
    const result = await macvlan(['doctor', '--from', fixturePath('mac-filtered'), '--save', out])
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toBe(`bundle written to ${out}`)
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(bundleFixture('mac-filtered'))
  })

  it('writes a plain snapshot when no probe ran, which replays as one', async () => {
    const out = join(dir, 'no-probe.json')
    await macvlan(['doctor', '--no-probe', '--from', fixturePath('healthy'), '--save', out])
    const saved = JSON.parse(readFileSync(out, 'utf8'))
    expect(saved.probes).toBeUndefined()
    expect(saved.savedAt).toBeUndefined()
  })

  it('with --redact, maps the probes with the snapshot: every address a probe names is the redacted one the snapshot holds', async () => {
    const original = bundleFixture('host-isolation')
    const out = join(dir, 'redacted.json')
    const result = await macvlan(['doctor', '--redact', '--from', fixturePath('host-isolation'), '--save', out])
    expect(result.exitCode).not.toBe(3)
    const redacted = JSON.parse(readFileSync(out, 'utf8')) as typeof original
    expect(redacted.redacted).toBe(true)
    const ipOf = (snapshot: typeof original, container: string) =>
      sliceData(snapshot.containers)?.find((candidate) => candidate.name === container)?.networks[0]?.ipv4
    const toContainer = (records: ProbeRecord[]) => records.filter((record) => record.purpose === 'host-to-container')
    const before = toContainer(original.probes.records)
    const after = toContainer(redacted.probes.records)
    expect(after).toHaveLength(before.length)
    for (const [index, record] of after.entries()) {
      expect(record.container).toMatch(/^container-\d+$/)
      expect(record.target).toBe(ipOf(redacted, record.container as string))
      expect(before[index]?.container).not.toMatch(/^container-\d+$/)
    }
    const plain = JSON.parse((await macvlan(['doctor', '--json', '--from', fixturePath('host-isolation')])).stdout)
    const replayed = JSON.parse((await macvlan(['doctor', '--json', '--from', out])).stdout)
    const outcomes = (report: {checks: CheckResult[]}) => report.checks.map((check) => `${check.id} ${check.outcome}`).sort()
    expect(outcomes(replayed)).toEqual(outcomes(plain))
    expect(replayed.source.replayedProbes.host).toBe('host-1')
  })

  it.each([
    ['-', /--save needs a file/],
    ['report.json', /--save and --output name the same file/],
  ])('refuses --save %s in one line, exit 3', async (save, message) => {
    const result = await macvlan(['doctor', '--from', fixturePath('healthy'), '--output', join(dir, 'report.json'), '--save', save === '-' ? '-' : join(dir, save)])
    expect(result.exitCode).toBe(3)
    expect(result.stderr).toMatch(message)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
  })
})

describe('a redacted bundle', () => {
  // Every fixture that carries probes (one captured as a plain snapshot has none to redact).
  const bundles = readdirSync(fileURLToPath(new URL('../../fixtures/snapshots/', import.meta.url)))
    .map((file) => file.replace(/\.json$/, ''))
    .filter((name) => 'probes' in JSON.parse(readFileSync(fixturePath(name), 'utf8')))

  it.each(bundles)('%s: its probes name the redacted addresses and MACs of its snapshot, and it replays to the same verdicts', (name) => {
    const bundle = bundleFixture(name)
    const [snapshot, original] = [fixture(name), bundle.probes]
    const report = buildReport(snapshot, evaluateRules(RULES, snapshot, DEFAULT_SETTINGS, original), {...CONTEXT, replayedProbes: {savedAt: bundle.savedAt}}, original)
    // redactDiagnosis judges the redacted data again, and throws when a verdict changed.
    const redacted = redactDiagnosis({snapshot, probes: original, report}, {settings: DEFAULT_SETTINGS, ignore: [], command: CONTEXT.command})
    // Every address, network and MAC the probes share with the snapshot maps to what the snapshot's copy maps it to,
    // and one value of the probes maps to one pseudonym: the rules match probes to the snapshot by these values.
    const snapshotMap = pairs(snapshot, redacted.snapshot)
    const probeMap = new Map<string, string>()
    for (const [before, after] of pairs(original, redacted.probes).entries()) {
      if (!LOCATOR.test(before)) continue
      if (snapshotMap.has(before)) expect(after, before).toBe(snapshotMap.get(before))
      probeMap.set(before, after)
    }
    if (original.records.length > 0) expect(probeMap.size).toBeGreaterThan(0)
    const questions = redacted.probes?.records.flatMap((record) => record.questions ?? []) ?? []
    for (const offer of redacted.probes?.records.flatMap((record) => record.offers ?? []) ?? []) {
      if (offer.requested) expect(questions.map((question) => question.address)).toContain(offer.requested)
    }
    expect(redacted.report.source.replayedProbes).toEqual({savedAt: bundle.savedAt, host: 'host-1', sentAt: original.startedAt})
  })
})

describe('doctor --from refuses a bad bundle in one line, exit 3', () => {
  const text = readFileSync(fixturePath('dhcp-overlap'), 'utf8')
  const bundle = JSON.parse(text)
  it.each([
    ['truncated', text.slice(0, Math.floor(text.length / 2)), /is not valid JSON/],
    ['garbled', JSON.stringify({...bundle, probes: {...bundle.probes, records: [{...bundle.probes.records[0], outcome: 'maybe'}]}}), /malformed: \/probes\/records\/0\/outcome/],
    ['without its time', JSON.stringify({...bundle, savedAt: 'yesterday'}), /malformed: \/savedAt is not an ISO 8601 time/],
    ['from version 1', JSON.stringify({...bundle, schemaVersion: 1}), /bundle .* has schemaVersion 1, which holds no probes/],
    ['from the future', JSON.stringify({...bundle, schemaVersion: 99}), /schemaVersion 99, newer than this macvlan-doctor understands/],
  ])('%s', async (name, content, message) => {
    const path = written(`${name.replaceAll(' ', '-')}.json`, content)
    const result = await macvlan(['doctor', '--from', path])
    expect(result.exitCode).toBe(3)
    expect(result.stderr).toContain(path)
    expect(result.stderr).toMatch(message)
    expect(result.stderr).not.toMatch(/\n\s+at /)
    expect(result.stdout).toBe('')
  })
})

describe('old snapshots', () => {
  it('a snapshot of schema version 1 still replays, with no probes', async () => {
    const path = join(dir, 'old.json')
    copyFileSync(OLD_SNAPSHOT, path)
    expect(JSON.parse(readFileSync(path, 'utf8')).schemaVersion).toBe(1)
    const result = await macvlan(['doctor', '--json', '--from', path])
    expect(result.exitCode).toBe(0)
    const report = JSON.parse(result.stdout)
    expect(report.source).toEqual(expect.objectContaining({kind: 'replay'}))
    expect(report.source.replayedProbes).toBeUndefined()
    expect(report.probes).toBeUndefined()
  })
})
