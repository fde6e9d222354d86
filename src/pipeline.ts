import {collectContainerViews, currentContainers} from './collect/docker.js'
import {collectSnapshot, type AddressingFacts, type CollectOptions} from './collect/index.js'
import {evaluateRules} from './engine/evaluate.js'
import {buildReport, type Report, type ReportContext} from './engine/report.js'
import type {CheckResult, RuleSettings, Subject} from './engine/types.js'
import {UserError} from './errors.js'
import type {AddressProof} from './fix/plan.js'
import {TOOL} from './package-root.js'
import {HostModel, parentNames} from './model/host-model.js'
import {discoverDhcp} from './probe/kinds/dhcp.js'
import {dhcpQuestions} from './probe/plan.js'
import type {ContainerReader} from './probe/recheck.js'
import {runProbes, type EarlyDhcp} from './probe/run.js'
import type {ProbeWaits} from './probe/timing.js'
import type {ProbePurpose, ProbeResults} from './probe/types.js'
import {RULES} from './rules/index.js'
import {bundleOf, type Bundle} from './snapshot/bundle.js'
import {loadSaved} from './snapshot/load.js'
import {Redaction} from './snapshot/redact.js'
import {sliceData, type DockerNetwork, type Snapshot} from './snapshot/types.js'

export interface DoctorOptions {
  /** Replay this saved snapshot or bundle (with its probes) instead of collecting. */
  from?: string
  /** Only judge this network. */
  network?: string
  redact: boolean
  /** Time limit of each collection command (--timeout). */
  collectTimeoutMs: number
  concurrency: number
  command: string[]
  now: () => Date
  settings: RuleSettings
  /** Check ids to leave out of the report. */
  ignore: string[]
  /** Told when a phase starts, for a progress line. */
  onPhase?: (phase: 'collecting' | 'probing' | 'evaluating') => void
  /** Probe settings, or undefined for --no-probe. */
  probe?: ProbeWaits & {purposes?: ReadonlySet<ProbePurpose>}
  /** Judge this network as if it existed (`plan --check`), beside the host's own, and report only on it. */
  planned?: DockerNetwork
}

/** A snapshot of this host, collected now (`collect`). */
export async function obtainSnapshot(options: Pick<DoctorOptions, 'collectTimeoutMs' | 'concurrency' | 'command'> & Pick<CollectOptions, 'onAddressing'>): Promise<Snapshot> {
  return collectSnapshot({timeoutMs: options.collectTimeoutMs, concurrency: options.concurrency, tool: TOOL, command: options.command, ...(options.onAddressing ? {onAddressing: options.onAddressing} : {})})
}

/** Network `name` (by name or id) and the config-only network it takes its settings from; undefined when there is none. */
function networksNamed(networks: DockerNetwork[], name: string): DockerNetwork[] | undefined {
  const chosen = networks.find((network) => network.name === name || network.id === name)
  return chosen ? networks.filter((network) => network === chosen || network.name === chosen.configFrom) : undefined
}

/** The host's networks with the planned one among them, as if `docker network create` had run. */
function withPlanned(networks: DockerNetwork[], planned: DockerNetwork | undefined): DockerNetwork[] {
  if (!planned) return networks
  if (networks.some((network) => network.name === planned.name)) {
    throw new UserError(`a network named ${planned.name} already exists on this host`, 'Docker would refuse to create it: pick another name, or check the existing one with macvlan doctor --network.', 3, 'usage')
  }
  return [...networks, planned]
}

/** Keeps only `name` (and the config-only network it takes its settings from). */
export function limitToNetwork(snapshot: Snapshot, name: string): Snapshot {
  const networks = sliceData(snapshot.networks)
  if (!networks) return snapshot
  const kept = networksNamed(networks, name)
  if (!kept) {
    const known = networks.filter((network) => !network.configOnly).map((network) => network.name)
    throw new UserError(
      `no macvlan or ipvlan network named ${name}`,
      known.length > 0 ? `Networks found: ${known.join(', ')}.` : 'This host has no macvlan or ipvlan network.',
      3,
      'unknown-network',
    )
  }
  return {...snapshot, networks: {data: kept}}
}

/** What `collect --redact` writes: see Redaction for what it hides and keeps. */
export function redactSnapshot(snapshot: Snapshot): Snapshot {
  return new Redaction(snapshot).snapshot(snapshot)
}

/** Container namespaces probed at once (each one process with all its pings): a hundred containers take one timeout. */
const PROBE_CONCURRENCY = 128

/** Containers read again after the probes, as the collector read them. */
const containerReader: ContainerReader = {
  containers: (ids, limitMs) => currentContainers(ids, {timeoutMs: limitMs}),
  views: (containers, concurrency, limitMs) => collectContainerViews(containers, concurrency, {timeoutMs: limitMs}),
}

/** Probes need the host, its links and Docker's view; without them there is nothing safe to aim at. */
function canProbe(snapshot: Snapshot): boolean {
  return (['host', 'links', 'addresses', 'networks', 'containers'] as const).every((slice) => 'data' in snapshot[slice])
}

export interface Diagnosis {
  snapshot: Snapshot
  probes?: ProbeResults
  report: Report
}

/**
 * DHCP discovery on each parent, started as soon as Docker's networks and containers and the host's addresses are
 * known (what its questions are made of): its window is the longest wait of a probed run, and the rest of the
 * collection fits inside it. Only as root (it needs a throw-away interface) and only for the networks asked about.
 */
function dhcpEarly(options: DoctorOptions): {onAddressing?: (facts: AddressingFacts) => void; started: EarlyDhcp} {
  const started: EarlyDhcp = new Map()
  const {probe} = options
  if (!probe || options.from || process.getuid?.() !== 0 || (probe.purposes && !probe.purposes.has('dhcp-discover'))) return {started}
  const onAddressing = (facts: AddressingFacts) => {
    if (!('data' in facts.networks && 'data' in facts.containers && 'data' in facts.addresses)) return
    const networks = withPlanned(facts.networks.data, options.planned)
    const partial = {...facts, networks: {data: options.network ? (networksNamed(networks, options.network) ?? []) : networks}} as Snapshot
    const model = new HostModel(partial)
    for (const parent of parentNames(model.l2Networks())) {
      if (!started.has(parent)) started.set(parent, discoverDhcp(parent, dhcpQuestions(model, parent), probe.dhcpWaitMs).catch(() => undefined))
    }
  }
  return {onAddressing, started}
}

/** collect (or replay) → probes → rules → report, with real addresses (what `macvlan fix` works from). */
export async function diagnose(options: DoctorOptions): Promise<Diagnosis> {
  options.onPhase?.('collecting')
  const early = dhcpEarly(options)
  try {
    return await diagnoseWith(options, early)
  } finally {
    // Whatever happened, the throw-away namespaces of early discoveries are gone before this returns.
    await Promise.all(early.started.values())
  }
}

async function diagnoseWith(options: DoctorOptions, early: ReturnType<typeof dhcpEarly>): Promise<Diagnosis> {
  const saved = options.from ? await loadSaved(options.from) : {snapshot: await obtainSnapshot({...options, ...(early.onAddressing ? {onAddressing: early.onAddressing} : {})})}
  const collected = options.planned ? withPlannedSnapshot(saved.snapshot, options.planned) : saved.snapshot
  const snapshot = options.network ? limitToNetwork(collected, options.network) : collected
  // A bundle's probes are replayed unless --no-probe asks for a judgement from the facts alone; a replay sends nothing.
  const replayed = options.probe ? saved.bundle : undefined
  const probing = options.probe && !options.from && canProbe(snapshot)
  if (probing) options.onPhase?.('probing')
  const probes = probing && options.probe ? await runProbes(new HostModel(snapshot), {...options.probe, concurrency: PROBE_CONCURRENCY, now: options.now, reread: containerReader, earlyDhcp: early.started}) : replayed?.probes
  options.onPhase?.('evaluating')
  const context: ReportContext = {tool: TOOL, command: options.command, generatedAt: options.now().toISOString(), replay: Boolean(options.from), ignored: options.ignore}
  const report = judge(snapshot, options.settings, probes, replayed ? {...context, replayedProbes: {savedAt: replayed.savedAt}} : context, options.planned?.name)
  return probes ? {snapshot, probes, report} : {snapshot, report}
}

/**
 * Rules → report: the one way a snapshot, real or redacted, is judged. With `onlyNetwork` (a planned network) the
 * checks of the host's other networks are left out: they are the doctor's business, not the plan's.
 */
function judge(snapshot: Snapshot, settings: RuleSettings, probes: ProbeResults | undefined, context: ReportContext, onlyNetwork?: string): Report {
  const checks = evaluateRules(RULES, snapshot, settings, probes, context.ignored)
  return buildReport(snapshot, onlyNetwork === undefined ? checks : checks.filter((check) => check.subject.network === undefined || check.subject.network === onlyNetwork), context, probes)
}

/** A snapshot whose networks include the planned one; where Docker's networks could not be read, there is nothing to plan against. */
function withPlannedSnapshot(snapshot: Snapshot, planned: DockerNetwork): Snapshot {
  const networks = sliceData(snapshot.networks)
  if (!networks) throw new UserError(`Docker's networks could not be read: ${'error' in snapshot.networks ? snapshot.networks.error.message : 'no data'}`, 'plan --check compares the planned network with the ones Docker has; fix that first (macvlan doctor says why).', 3, 'docker-unreachable')
  return {...snapshot, networks: {data: withPlanned(networks, planned)}}
}

const verdictsOf = (checks: CheckResult[], subject: (subject: Subject) => Subject = (same) => same) =>
  checks.map((check) => `${check.id} ${check.outcome} ${JSON.stringify(subject(check.subject))}`).sort()

/**
 * The diagnosis as a public ticket may show it: the snapshot, probes and address proofs redacted, and the report judged
 * again from them, so that every message, fact and command in it is made of redacted values. The rules must reach the
 * verdicts they reached on the real host; if they do not, nothing is shown rather than a verdict redaction invented.
 */
export function redactDiagnosis(diagnosis: Diagnosis, options: Pick<DoctorOptions, 'settings' | 'ignore' | 'command'>, proofs: AddressProof[] = []): Diagnosis & {proofs: AddressProof[]} {
  const redaction = new Redaction(diagnosis.snapshot, {probes: diagnosis.probes, settings: options.settings})
  const snapshot = redaction.snapshot(diagnosis.snapshot)
  const probes = diagnosis.probes && redaction.probes(diagnosis.probes)
  const {report: real} = diagnosis
  const context: ReportContext = {tool: real.tool, command: redaction.command(options.command), generatedAt: real.generatedAt, replay: real.source.kind === 'replay', ignored: options.ignore}
  if (real.source.replayedProbes) context.replayedProbes = real.source.replayedProbes
  const report = judge(snapshot, redaction.settings(options.settings), probes, context)
  const expected = verdictsOf(real.checks, (subject) => redaction.subject(subject))
  const changed = verdictsOf(report.checks).filter((verdict, index) => verdict !== expected[index])
  if (changed.length > 0 || report.checks.length !== real.checks.length) {
    const ids = [...new Set(changed.map((verdict) => verdict.split(' ')[0]))].join(', ')
    throw new UserError(`--redact would change the verdict of ${ids || 'a check'}, so no redacted report was made`, 'Run it without --redact, and please report this as a bug.', 3, 'redaction-changed-verdict')
  }
  return {snapshot, report, proofs: redaction.proofs(proofs), ...(probes ? {probes} : {})}
}

/** The doctor's diagnosis. The rules judge the real host; with --redact it is then remade from redacted data. */
export async function runDoctor(options: DoctorOptions): Promise<Diagnosis> {
  const diagnosis = await diagnose(options)
  return options.redact ? redactDiagnosis(diagnosis, options) : diagnosis
}

/** What `doctor --save` writes: a bundle when probes ran or were replayed (a re-saved bundle keeps its first time), else the snapshot. */
export function savedFile({snapshot, probes, report}: Diagnosis): Snapshot | Bundle {
  return bundleOf(snapshot, probes, report.source.replayedProbes?.savedAt ?? report.generatedAt)
}
