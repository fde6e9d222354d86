/**
 * Fleet checks: what only several hosts' files side by side show. One file per check in src/fleet/checks/, pure like a
 * rule, judged over every host's members at once; the causal layer then folds consequences under their causes.
 */
import {ADDRESSES_FACT, explainChecks, type Place} from '../engine/causal.js'
import type {CheckResult, Finding, RuleMeta} from '../engine/types.js'
import {membersOf, sharedLans, type FleetHost, type LanMember, type SharedLan} from './model.js'

export interface FleetCheckMeta extends Pick<RuleMeta, 'id' | 'code' | 'title' | 'severity' | 'causedBy'> {
  /** What the check compares across files, in words: a redacted bundle's are pseudonyms keyed to it alone. */
  compares: string
}

export interface Fleet {
  hosts: FleetHost[]
  /** The macvlan/ipvlan pools of every host whose files can be compared. */
  members: LanMember[]
  /** Every pair of members of two hosts on one LAN. */
  lans: SharedLan[]
}

export interface FleetCheck {
  meta: FleetCheckMeta
  /** Pure: no I/O, no clock. An empty result means no two hosts gave it anything to compare. */
  evaluate(fleet: Fleet): Finding[]
}

/** The evidence fact naming the LAN a fleet check is about: its causes are matched on it, and on the hosts. */
export const LAN_FACT = 'lan'

export function fleetDocsPath(id: string): string {
  return `docs/fleet/${id}.md`
}

function resultOf(meta: FleetCheckMeta, finding: Finding): CheckResult {
  return {id: meta.id, code: meta.code, title: meta.title, docs: fleetDocsPath(meta.id), ...finding}
}

/** A LAN's subnet and the hosts on it, as a check's subject: the network is named when both hosts call it the same. */
export function lanSubject(lan: SharedLan): CheckResult['subject'] {
  const names = [...new Set([lan.a.l2.network.name, lan.b.l2.network.name])]
  return {network: names.join(' / '), hosts: [lan.a.host.name, lan.b.host.name]}
}

/** Where a fleet check applies: the LAN (its subnet) and the hosts it names. */
function fleetPlace(check: CheckResult): Place {
  const lan = check.evidence?.facts[LAN_FACT]
  const addresses = check.evidence?.facts[ADDRESSES_FACT]
  return {
    ...(typeof lan === 'string' ? {parent: lan} : {}),
    addresses: Array.isArray(addresses) ? addresses.filter((value): value is string => typeof value === 'string') : [],
    ...(check.subject.hosts ? {hosts: check.subject.hosts} : {}),
  }
}

/** Why a host's files take no part: a redacted bundle (its pseudonyms match nothing elsewhere), or facts that were not collected. */
function leftOut(host: FleetHost, reason: string | undefined, meta: FleetCheckMeta): Finding | undefined {
  if (host.snapshot.redacted) {
    return {
      outcome: 'skip',
      skipKind: 'missing-data',
      subject: {hosts: [host.name]},
      message: `Not compared: ${host.file} is redacted, so its ${meta.compares} are pseudonyms drawn with a key of that file alone and match nothing in another file. Compare bundles saved without --redact.`,
    }
  }
  return reason ? {outcome: 'skip', skipKind: 'missing-data', subject: {hosts: [host.name]}, message: `Not compared: ${reason}.`} : undefined
}

export function evaluateFleet(checks: readonly FleetCheck[], hosts: FleetHost[]): CheckResult[] {
  const readable = hosts.map((host) => ({host, members: host.snapshot.redacted ? [] : membersOf(host)}))
  const members = readable.flatMap(({members: found}) => (typeof found === 'string' ? [] : found))
  const fleet: Fleet = {hosts, members, lans: sharedLans(members)}
  const results = checks.flatMap((check) => {
    const skipped = readable.flatMap(({host, members: found}) => leftOut(host, typeof found === 'string' ? found : undefined, check.meta) ?? [])
    let findings: Finding[]
    try {
      findings = check.evaluate(fleet)
    } catch (error) {
      return [resultOf(check.meta, {outcome: 'error', subject: {}, message: `The check crashed: ${error instanceof Error ? error.message : String(error)}`})]
    }
    if (findings.length === 0 && skipped.length === 0) {
      findings = [{outcome: 'skip', skipKind: 'not-applicable', subject: {}, message: 'Nothing to compare: no two hosts have a macvlan or ipvlan network on one LAN (the same subnet and gateway).'}]
    }
    return [...findings, ...skipped].map((finding) => resultOf(check.meta, finding))
  })
  return explainChecks(checks, results, fleetPlace)
}
