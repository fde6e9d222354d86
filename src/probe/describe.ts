import type {ProbeRecord} from './types.js'

/** "web → 192.168.77.1: no reply (L2: ARP unresolved, so frames are not getting through)" */
export function describe(record: ProbeRecord): string {
  const from = record.container ?? record.from.namespace
  if (record.outcome === 'reply') return `${from} → ${record.target}: reply${record.rttMs === undefined ? '' : ` in ${record.rttMs} ms`}`
  if (record.outcome === 'error') return `${from} → ${record.target}: probe error (${record.detail ?? 'unknown'})`
  const layer = record.l2 === 'unresolved' ? 'L2: ARP unresolved, no frame got an answer' : record.l2 === 'resolved' ? 'L3: ARP resolved, but no ICMP reply' : 'no answer'
  return `${from} → ${record.target}: no reply (${layer})`
}
