import {isIPv6} from '../model/ip.js'
import type {ProbeRecord} from './types.js'

/** Who sent it: the host, a container (by name), or the throw-away MAC. */
function sender(record: ProbeRecord): string {
  return record.from.namespace === 'probe' ? 'throw-away MAC' : record.from.namespace
}

/** What it was sent to: a container by name and address when the host probed one, else the address. */
function receiver(record: ProbeRecord): string {
  return record.purpose === 'host-to-container' && record.container ? `${record.container} (${record.target})` : record.target
}

/** "host → web (192.168.77.2): no reply (L2: ARP unresolved, …)": the sender always on the left, the receiver on the right. */
export function describeProbe(record: ProbeRecord): string {
  const path = `${sender(record)} → ${receiver(record)}`
  if (record.purpose === 'duplicate-address' && record.outcome !== 'error') {
    const from = `${path}: duplicate address detection${record.from.interface ? ` on ${record.from.interface}` : ''}`
    const requests = record.sent === undefined ? '' : ` ${record.sent} request${record.sent === 1 ? '' : 's'},`
    return record.outcome === 'reply' ? `${from},${requests} answered by ${(record.replies ?? []).map((reply) => reply.mac).join(', ')}` : `${from},${requests} no answer`
  }
  if (record.outcome === 'reply') return `${path}: reply${record.rttMs === undefined ? '' : ` in ${record.rttMs} ms`}`
  if (record.outcome === 'error') return `${path}: probe error (${record.detail ?? 'unknown'})`
  const resolution = isIPv6(record.target) ? 'neighbour discovery' : 'ARP'
  const layer = record.l2 === 'unresolved' ? `L2: ${resolution} unresolved, no frame got an answer` : record.l2 === 'resolved' ? `L3: ${resolution} resolved, but no ICMP reply` : 'no answer'
  return `${path}: no reply (${layer})`
}
