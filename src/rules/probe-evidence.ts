/** Reading probe records for the rules: which were sent for a subject, and how to say why one failed. */
import type {ProbePurpose, ProbeRecord, ProbeResults} from '../probe/types.js'

export function recordsFor(probes: ProbeResults | undefined, purpose: ProbePurpose, match: Partial<Pick<ProbeRecord, 'network' | 'container' | 'target'>> = {}): ProbeRecord[] {
  return (probes?.records ?? []).filter(
    (record) => record.purpose === purpose && Object.entries(match).every(([key, value]) => record[key as keyof ProbeRecord] === value),
  )
}

/** "web → 192.168.77.1: no reply (L2: ARP unresolved, so frames are not getting through)" */
export function describe(record: ProbeRecord): string {
  const from = record.container ?? record.from.namespace
  if (record.outcome === 'reply') return `${from} → ${record.target}: reply${record.rttMs === undefined ? '' : ` in ${record.rttMs} ms`}`
  if (record.outcome === 'error') return `${from} → ${record.target}: probe error (${record.detail ?? 'unknown'})`
  const layer = record.l2 === 'unresolved' ? 'L2: ARP unresolved, no frame got an answer' : record.l2 === 'resolved' ? 'L3: ARP resolved, but no ICMP reply' : 'no answer'
  return `${from} → ${record.target}: no reply (${layer})`
}

/** What a probe record contributes to a finding's evidence: the result and the exact command. */
export function probeFacts(records: ProbeRecord[]): {probes: string[]; probeCommands: string[]} {
  return {probes: records.map(describe), probeCommands: [...new Set(records.map((record) => record.command))]}
}
