/**
 * Seeded generators of reports the renderers must take: any shape the Report type allows (optional fields absent,
 * facts of every JSON type and undefined, causes that point at nothing, hostile names), and snapshots mutated from the
 * lab fixtures. Deterministic: the same seed gives the same case, so a failure names the seed that reproduces it.
 */
import {overallStatus} from '../../src/engine/status.js'
import type {Report} from '../../src/engine/report.js'
import type {CheckRef, CheckResult, Outcome, Subject} from '../../src/engine/types.js'
import type {ProbePurpose, ProbeRecord} from '../../src/probe/types.js'
import {RULES} from '../../src/rules/index.js'
import {SLICE_NAMES, type Snapshot} from '../../src/snapshot/types.js'

/** mulberry32: a small, fast, seedable PRNG. */
export function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export class Dice {
  constructor(readonly next: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }
  chance(p: number): boolean {
    return this.next() < p
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T
  }
  times<T>(max: number, make: (index: number) => T): T[] {
    return Array.from({length: this.int(0, max)}, (_, index) => make(index))
  }
}

/** Words a host can hand us: plain, empty, long, Markdown/Mermaid/table syntax, terminal escapes, bidi, line breaks. */
const WORDS = [
  'lan',
  'eth1',
  'web',
  'c10',
  'c2',
  '',
  ' ',
  'a|b',
  '`tick`',
  '"quoted"',
  "it's",
  '<details>',
  '</summary>',
  '```',
  '# heading',
  'x]y[z',
  '((round))',
  'end;',
  '$(reboot)',
  'new\nline',
  'tab\there',
  'esc\u001B]0;title\u0007',
  'clip\u001B]52;c;cHduZWQ=\u0007',
  'c1\u009B31m',
  'bidi\u202Eexe.sh',
  'null\u0000byte',
  'é🙂',
  'x'.repeat(300),
  '192.168.77.10',
  'fe80::1',
]

const OUTCOMES: Outcome[] = ['pass', 'warn', 'fail', 'skip', 'error']
const PURPOSES: ProbePurpose[] = ['host-to-container', 'host-to-gateway', 'container-to-gateway', 'container-to-host', 'container-to-peer', 'mac-filter-host', 'mac-filter-scratch', 'address-owners', 'dhcp-discover', 'free-address']

function word(dice: Dice): string {
  return dice.chance(0.5) ? dice.pick(WORDS.slice(0, 5)) : dice.pick(WORDS)
}

function factValue(dice: Dice, depth = 0): unknown {
  switch (dice.int(0, depth > 1 ? 4 : 6)) {
    case 0:
      return word(dice)
    case 1:
      return dice.pick([0, -1, 1.5, 1e21, Number.NaN])
    case 2:
      return dice.chance(0.5)
    case 3:
      return null
    case 4:
      return undefined
    case 5:
      return dice.times(4, () => factValue(dice, depth + 1))
    default:
      return Object.fromEntries(dice.times(3, () => [word(dice), factValue(dice, depth + 1)]))
  }
}

function subject(dice: Dice): Subject {
  const result: Subject = {}
  if (dice.chance(0.7)) result.network = word(dice)
  if (dice.chance(0.3)) result.container = word(dice)
  if (dice.chance(0.5)) result.interface = word(dice)
  return result
}

function check(dice: Dice, earlier: CheckRef[]): CheckResult {
  const {meta} = dice.pick(RULES)
  const outcome = dice.pick(OUTCOMES)
  const result: CheckResult = {id: meta.id, code: meta.code, title: meta.title, docs: `docs/rules/${meta.id}.md`, outcome, subject: subject(dice), message: word(dice)}
  if (outcome === 'skip') result.skipKind = dice.pick(['not-applicable', 'missing-data'] as const)
  if (dice.chance(0.6)) result.evidence = {facts: Object.fromEntries(dice.times(4, () => [word(dice), factValue(dice)])), commands: dice.times(3, () => word(dice))}
  if (dice.chance(0.5)) result.fix = {summary: word(dice), commands: dice.times(3, () => word(dice))}
  if ((outcome === 'fail' || outcome === 'warn') && dice.chance(0.4)) {
    // Mostly earlier checks of this report; sometimes a cause the report does not hold.
    const causes = dice.times(3, () => (earlier.length > 0 && dice.chance(0.85) ? dice.pick(earlier) : {id: dice.pick(RULES).meta.id, subject: subject(dice)}))
    if (causes.length > 0) result.causedBy = causes
  }
  return result
}

function probeRecord(dice: Dice): ProbeRecord {
  const purpose = dice.pick(PURPOSES)
  const outcome = dice.pick(['reply', 'no-reply', 'error'] as const)
  const record: ProbeRecord = {purpose, kind: purpose === 'dhcp-discover' ? 'dhcp' : dice.pick(['icmp', 'arp'] as const), from: {namespace: dice.pick(['host', 'probe', word(dice)])}, target: word(dice), outcome, command: word(dice)}
  if (dice.chance(0.5)) record.network = word(dice)
  if (dice.chance(0.3)) record.container = word(dice)
  if (dice.chance(0.3)) record.parent = word(dice)
  if (dice.chance(0.3)) record.from.mac = word(dice)
  if (dice.chance(0.3)) record.from.interface = word(dice)
  if (outcome === 'reply' && dice.chance(0.7)) record.rttMs = dice.int(0, 2000) / 10
  if (dice.chance(0.3)) record.l2 = dice.pick(['resolved', 'unresolved'] as const)
  if (dice.chance(0.2)) record.replies = dice.times(3, () => ({mac: word(dice)}))
  if (dice.chance(0.2)) record.offers = dice.times(2, () => ({server: word(dice), offered: word(dice)}))
  if (dice.chance(0.3)) record.detail = word(dice)
  return record
}

function topology(dice: Dice, manyContainers: boolean): Report['topology'] {
  return dice.times(3, () => {
    const network: Report['topology'][number] = {
      name: word(dice),
      driver: dice.pick(['macvlan', 'ipvlan']),
      mode: dice.pick(['bridge', 'private', 'l2', word(dice)]),
      shims: dice.times(2, () => (dice.chance(0.5) ? {name: word(dice)} : {name: word(dice), address: word(dice)})),
      containers: Array.from({length: manyContainers ? dice.int(20, 80) : dice.int(0, 4)}, (_, index) => ({name: dice.chance(0.8) ? `c${index}` : word(dice), status: dice.pick(['running', 'exited', 'restarting']), ...(dice.chance(0.8) ? {address: word(dice)} : {})})),
    }
    if (dice.chance(0.8)) network.parent = word(dice)
    if (dice.chance(0.7)) network.parentUp = dice.chance(0.7)
    if (dice.chance(0.8)) network.subnet = word(dice)
    if (dice.chance(0.7)) network.gateway = word(dice)
    return network
  })
}

/** Any report the Report type allows, with counts, status and problems consistent with its checks as the engine makes them. */
export function generatedReport(seed: number): Report {
  const dice = new Dice(random(seed))
  const checks: CheckResult[] = []
  const count = dice.chance(0.1) ? 0 : dice.int(1, dice.chance(0.05) ? 300 : 40)
  for (let index = 0; index < count; index++) checks.push(check(dice, checks.map(({id, subject}) => ({id, subject}))))
  const counts: Report['counts'] = {pass: 0, warn: 0, fail: 0, skip: 0, error: 0}
  for (const result of checks) counts[result.outcome]++
  const host: Report['host'] = {}
  if (dice.chance(0.8)) host.hostname = word(dice)
  if (dice.chance(0.8)) host.kernel = word(dice)
  if (dice.chance(0.5)) host.os = word(dice)
  if (dice.chance(0.5)) host.virtualization = word(dice)
  if (dice.chance(0.7)) host.docker = {serverVersion: word(dice), apiVersion: word(dice), os: word(dice), rootless: dice.chance(0.2), desktop: dice.chance(0.1)}
  if (dice.chance(0.5)) host.privileges = {uid: dice.pick([0, 1000]), capNetAdmin: dice.chance(0.5), capNetRaw: dice.chance(0.5)}
  const replay = dice.chance(0.5)
  const report: Report = {
    schemaVersion: 1,
    tool: {name: 'macvlan-doctor', version: word(dice)},
    generatedAt: dice.chance(0.9) ? '2026-01-01T00:00:00.000Z' : word(dice),
    command: ['macvlan', 'doctor', ...dice.times(3, () => word(dice))],
    source: {kind: replay ? 'replay' : 'live', collectedAt: word(dice), snapshotTool: word(dice)},
    host,
    status: overallStatus(checks),
    counts,
    problems: checks.filter((result) => (result.outcome === 'fail' || result.outcome === 'warn') && !result.causedBy?.length).length,
    checks,
    collectionErrors: dice.times(3, () => ({slice: dice.pick(SLICE_NAMES), code: word(dice), message: word(dice), ...(dice.chance(0.5) ? {hint: word(dice)} : {})})),
    topology: topology(dice, dice.chance(0.15)),
    ignored: dice.times(2, () => word(dice)),
    redacted: dice.chance(0.3),
  }
  if (!replay && dice.chance(0.7)) {
    report.probes = {
      startedAt: word(dice),
      durationMs: dice.int(0, 10_000),
      timeoutMs: dice.int(100, 5000),
      icmpEngine: dice.pick(['raw-socket', 'ping'] as const),
      records: dice.times(dice.chance(0.05) ? 600 : 30, () => probeRecord(dice)),
      skipped: dice.times(3, () => ({probe: word(dice), reason: word(dice), purposes: dice.times(2, () => dice.pick(PURPOSES)), ...(dice.chance(0.5) ? {hint: word(dice)} : {}), ...(dice.chance(0.3) ? {container: word(dice)} : {})})),
    }
  }
  return report
}

/**
 * A lab fixture with a few random mutations: fields deleted, values replaced by other JSON or hostile words, slices
 * turned into collection errors. Most break the schema; the caller keeps those the snapshot loader would accept.
 */
export function mutatedSnapshot(seed: number, fixtures: readonly Snapshot[]): Snapshot {
  const dice = new Dice(random(seed))
  const copy = structuredClone(dice.pick(fixtures)) as unknown as Record<string, unknown>
  for (let round = dice.int(1, 3); round > 0; round--) {
    if (dice.chance(0.15)) {
      copy[dice.pick(SLICE_NAMES)] = {error: {code: word(dice), message: word(dice)}}
      continue
    }
    let node: unknown = copy
    // Walk down to a random container, then change one of its entries.
    for (let depth = 0; depth < 8; depth++) {
      const entries = node && typeof node === 'object' ? Object.keys(node) : []
      if (entries.length === 0) break
      const key = dice.pick(entries)
      const child = (node as Record<string, unknown>)[key]
      if (!child || typeof child !== 'object' || dice.chance(0.2)) {
        const target = node as Record<string, unknown>
        if (Array.isArray(target) || dice.chance(0.5)) target[key] = typeof child === 'string' ? word(dice) : typeof child === 'number' ? dice.pick([0, -1, 65_536, 1.5]) : factValue(dice)
        else delete target[key]
        break
      }
      node = child
    }
  }
  return copy as unknown as Snapshot
}
