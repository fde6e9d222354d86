/** The fleet's checks as a report of the doctor's shape, so every renderer and the exit code work on it unchanged. */
import {tally, type FleetHostSummary, type Report} from '../engine/report.js'
import {FLEET_CHECKS} from './checks/index.js'
import {evaluateFleet} from './evaluate.js'
import type {FleetHost} from './model.js'

export interface FleetContext {
  tool: {name: string; version: string}
  command: string[]
  generatedAt: string
}

function summaryOf(host: FleetHost): FleetHostSummary {
  const {snapshot} = host
  const docker = 'data' in snapshot.docker ? snapshot.docker.data.serverVersion : undefined
  return {
    name: host.name,
    file: host.file,
    kind: host.probes ? 'bundle' : 'snapshot',
    collectedAt: snapshot.collectedAt,
    ...(host.savedAt ? {savedAt: host.savedAt} : {}),
    redacted: snapshot.redacted,
    tool: `${snapshot.tool.name} ${snapshot.tool.version}`,
    ...(docker ? {docker} : {}),
  }
}

export function fleetReport(hosts: FleetHost[], context: FleetContext): Report {
  const checks = evaluateFleet(FLEET_CHECKS, hosts)
  const oldest = [...hosts].sort((a, b) => Date.parse(a.snapshot.collectedAt) - Date.parse(b.snapshot.collectedAt))[0]
  return {
    schemaVersion: 1,
    tool: context.tool,
    generatedAt: context.generatedAt,
    command: context.command,
    source: {kind: 'replay', collectedAt: oldest?.snapshot.collectedAt ?? context.generatedAt, snapshotTool: [...new Set(hosts.map((host) => `${host.snapshot.tool.name} ${host.snapshot.tool.version}`))].join(', ')},
    host: {},
    ...tally(checks),
    checks,
    collectionErrors: [],
    topology: [],
    ignored: [],
    redacted: hosts.every((host) => host.snapshot.redacted),
    fleet: {hosts: hosts.map(summaryOf)},
  }
}
