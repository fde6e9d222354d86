/**
 * Reading probe records for the rules. A probe says one of four things, kept apart here: it was answered, it was met
 * with silence, it errored (the probe itself failed, which says nothing about the network), or it was not sent (a
 * missing tool, no root, a container that changed under the run). Rules judge only the first two.
 */
import {assertDeclaredProbe} from '../../engine/narrow.js'
import type {Finding, Subject} from '../../engine/types.js'
import type {HostModel, L2Network} from '../../model/host-model.js'
import {describeProbe} from '../../probe/describe.js'
import type {ProbePurpose, ProbeRecord, ProbeResults, ProbeSkip} from '../../probe/types.js'

export {describeProbe}

type Scope = Partial<Pick<ProbeRecord, 'network' | 'container' | 'target' | 'parent'>>

export function recordsFor(probes: ProbeResults | undefined, purpose: ProbePurpose, match: Scope = {}): ProbeRecord[] {
  assertDeclaredProbe(probes, purpose)
  return (probes?.records ?? []).filter(
    (record) => record.purpose === purpose && Object.entries(match).every(([key, value]) => record[key as keyof ProbeRecord] === value),
  )
}

/** What a probe record contributes to a finding's evidence: the result and the exact command. */
export function probeFacts(records: ProbeRecord[]): {probes: string[]; probeCommands: string[]} {
  return {probes: records.map(describeProbe), probeCommands: [...new Set(records.map((record) => record.command))]}
}

export interface ProbeAnswers {
  /** Answered or silent: what a rule may judge. */
  judged: ProbeRecord[]
  errored: ProbeRecord[]
  /** Probes the run meant to send for this question and could not. */
  notRun: ProbeSkip[]
}

/** The run's probes of `purposes` for one subject, split by what they can say. */
export function answersFor(probes: ProbeResults | undefined, purposes: ProbePurpose[], match: Scope = {}): ProbeAnswers {
  const records = purposes.flatMap((purpose) => recordsFor(probes, purpose, match))
  const notRun = (probes?.skipped ?? []).filter(
    (skip) =>
      skip.purposes.some((purpose) => purposes.includes(purpose)) &&
      (skip.parent === undefined || match.parent === undefined || skip.parent === match.parent) &&
      (skip.container === undefined || match.container === undefined || skip.container === match.container),
  )
  return {judged: records.filter((record) => record.outcome !== 'error'), errored: records.filter((record) => record.outcome === 'error'), notRun}
}

/** Why some of the question went unasked, in words ("not probed: …"), or undefined when nothing was kept back. */
export function unaskedText(answers: ProbeAnswers): string | undefined {
  const reasons = [...answers.errored.map(describeProbe), ...answers.notRun.map((skip) => skip.reason)]
  return reasons.length > 0 ? `not probed: ${[...new Set(reasons)].join('; ')}` : undefined
}

/** A check whose deciding probe was not asked: unknown, with which probe and why. */
export function notAsked(subject: Subject, question: string, why: string): Finding {
  return {outcome: 'skip', skipKind: 'missing-data', subject, message: `Not checked: ${question} (${why}).`}
}

/**
 * A reply the host got on-link through the parent itself cannot be the container's: macvlan passes no frame between a
 * parent and its children. Another device on the LAN holds that address (a second Docker host with the same range gives
 * the same address, and before Engine 28.0 the same MAC). Through a router the container may well answer.
 */
export function answeredByAnother(model: HostModel, l2: L2Network, record: ProbeRecord): boolean {
  const route = model.routeTo(record.target)
  return l2.driver === 'macvlan' && record.outcome === 'reply' && l2.parent !== undefined && route?.dev === l2.parent && !route.gateway
}

/**
 * The addresses of `network` that duplicate address detection found another device answering for. A reply from one of
 * them may be that device's, even through a working shim (a twin with a different MAC may win the shim's ARP), so it
 * proves nothing about the container.
 */
export function heldByAnother(probes: ProbeResults | undefined, network: string): Set<string> {
  return new Set(recordsFor(probes, 'duplicate-address', {network}).filter((record) => record.outcome === 'reply').map((record) => record.target))
}
