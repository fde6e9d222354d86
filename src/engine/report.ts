import {SLICE_NAMES, sliceData, type CollectError, type SliceName, type Snapshot} from '../snapshot/types.js'
import type {ProbeResults} from '../probe/types.js'
import {HostModel, MissingSlice} from '../model/host-model.js'
import {overallStatus, type Status} from './status.js'
import {topologyOf, type TopologyNetwork} from './topology.js'
import type {CheckResult, Outcome} from './types.js'

const REPORT_SCHEMA_VERSION = 1

export interface Report {
  schemaVersion: number
  tool: {name: string; version: string}
  generatedAt: string
  /** The command that produced this report. */
  command: string[]
  /** `live` when collected now; `replay` when evaluated from a saved snapshot or bundle. */
  source: {
    kind: 'live' | 'replay'
    collectedAt: string
    snapshotTool: string
    origin?: string
    /**
     * Set when `probes` were not sent by this run but replayed from a bundle (`doctor --save`): when it was saved, on
     * which host, and when the probes were sent. The verdicts they prove are as of then.
     */
    replayedProbes?: {savedAt: string; host?: string; sentAt: string}
  }
  host: {
    hostname?: string
    kernel?: string
    os?: string
    virtualization?: string
    docker?: {serverVersion: string; apiVersion: string; os: string; rootless: boolean; desktop: boolean}
    privileges?: {uid: number; capNetAdmin: boolean; capNetRaw: boolean}
  }
  status: Status
  counts: Record<Outcome, number>
  /** Root causes: failing or warning checks that no other check of this report explains. */
  problems: number
  checks: CheckResult[]
  /** Slices that could not be collected, with what to do about it. */
  collectionErrors: Array<{slice: SliceName} & CollectError>
  /** Parent → networks → shims and containers, for diagrams; empty when Docker could not be read. */
  topology: TopologyNetwork[]
  /** Check ids left out on request (--ignore, config file). */
  ignored: string[]
  /** Every packet the probes sent and what came back; absent with --no-probe or on the replay of a plain snapshot. */
  probes?: ProbeResults
  /** True when addresses, MACs and names were replaced with tokens. */
  redacted: boolean
  /** Set by `macvlan fleet`: the hosts whose files were compared. Its checks are about them, not about the machine it ran on. */
  fleet?: {hosts: FleetHostSummary[]}
}

/** One host of a fleet report: which file it came from and what that file holds. */
export interface FleetHostSummary {
  /** Its hostname, or the file for a redacted one (every redacted file names its host with the same pseudonym). */
  name: string
  file: string
  /** `bundle` when the file carries the probes of its run, `snapshot` when it holds the facts alone. */
  kind: 'bundle' | 'snapshot'
  collectedAt: string
  savedAt?: string
  redacted: boolean
  /** The macvlan-doctor that wrote it. */
  tool: string
  docker?: string
}

export interface ReportContext {
  tool: {name: string; version: string}
  command: string[]
  generatedAt: string
  replay: boolean
  /** Set when the probes come from a bundle: when it was saved. */
  replayedProbes?: {savedAt: string}
  ignored?: string[]
}

function topologyOrEmpty(snapshot: Snapshot): TopologyNetwork[] {
  try {
    return topologyOf(new HostModel(snapshot))
  } catch (error) {
    if (error instanceof MissingSlice) return []
    throw error
  }
}

/** The status, the count of each outcome, and the problems (failing or warning checks that nothing explains) of `checks`. */
export function tally(checks: CheckResult[]): Pick<Report, 'status' | 'counts' | 'problems'> {
  const counts: Record<Outcome, number> = {pass: 0, warn: 0, fail: 0, skip: 0, error: 0}
  for (const check of checks) counts[check.outcome]++
  return {status: overallStatus(checks), counts, problems: checks.filter((check) => (check.outcome === 'fail' || check.outcome === 'warn') && !check.causedBy?.length).length}
}

export function buildReport(snapshot: Snapshot, allChecks: CheckResult[], context: ReportContext, probes?: ProbeResults): Report {
  const ignored = context.ignored ?? []
  const checks = allChecks.filter((check) => !ignored.includes(check.id))
  const host = sliceData(snapshot.host)
  const docker = sliceData(snapshot.docker)
  const collectionErrors = SLICE_NAMES.flatMap((slice) => {
    const value = snapshot[slice]
    return value && 'error' in value ? [{slice, ...value.error}] : []
  })
  const source: Report['source'] = {
    kind: context.replay ? 'replay' : 'live',
    collectedAt: snapshot.collectedAt,
    snapshotTool: `${snapshot.tool.name} ${snapshot.tool.version}`,
  }
  if (snapshot.origin) source.origin = snapshot.origin
  if (context.replayedProbes && probes) source.replayedProbes = {savedAt: context.replayedProbes.savedAt, ...(host ? {host: host.hostname} : {}), sentAt: probes.startedAt}
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: context.tool,
    generatedAt: context.generatedAt,
    command: context.command,
    source,
    host: {
      hostname: host?.hostname,
      kernel: host?.kernel,
      os: host?.os,
      virtualization: host?.virtualization.type,
      docker: docker && {
        serverVersion: docker.serverVersion,
        apiVersion: docker.apiVersion,
        os: docker.operatingSystem,
        rootless: docker.rootless,
        desktop: docker.desktop,
      },
      privileges: host?.privileges,
    },
    ...tally(checks),
    checks,
    collectionErrors,
    topology: topologyOrEmpty(snapshot),
    ignored,
    ...(probes ? {probes} : {}),
    redacted: snapshot.redacted,
  }
}
