/** Reading probe records for the rules: which were sent for a subject, and how to say why one failed. */
import {describe} from '../probe/describe.js'
import type {ProbePurpose, ProbeRecord, ProbeResults} from '../probe/types.js'

export {describe}

export function recordsFor(probes: ProbeResults | undefined, purpose: ProbePurpose, match: Partial<Pick<ProbeRecord, 'network' | 'container' | 'target'>> = {}): ProbeRecord[] {
  return (probes?.records ?? []).filter(
    (record) => record.purpose === purpose && Object.entries(match).every(([key, value]) => record[key as keyof ProbeRecord] === value),
  )
}

/** What a probe record contributes to a finding's evidence: the result and the exact command. */
export function probeFacts(records: ProbeRecord[]): {probes: string[]; probeCommands: string[]} {
  return {probes: records.map(describe), probeCommands: [...new Set(records.map((record) => record.command))]}
}
