/** What the probes sent and what came back: part of the report, and evidence for the rules. */

export type ProbePurpose =
  | 'host-to-container'
  | 'host-to-gateway'
  | 'container-to-gateway'
  | 'container-to-host'
  | 'container-to-peer'
  | 'mac-filter-host'
  | 'mac-filter-scratch'
  | 'address-owners'
  | 'dhcp-discover'
  | 'free-address'

export interface DhcpOffer {
  server: string
  offered: string
  mask?: string
  router?: string
  leaseSeconds?: number
}

export interface ProbeRecord {
  purpose: ProbePurpose
  kind: 'icmp' | 'arp' | 'dhcp'
  /** Where the packet left from: the host, a container (by name) or the throw-away probe namespace. */
  from: {namespace: string; interface?: string; mac?: string}
  target: string
  /** The parent link the packet went out on, for probes sent from the host side of a parent. */
  parent?: string
  network?: string
  container?: string
  outcome: 'reply' | 'no-reply' | 'error'
  /** For ICMP: whether ARP for the next hop resolved, which splits a failure into L2 and L3. */
  l2?: 'resolved' | 'unresolved'
  rttMs?: number
  /** For ARP: every MAC that answered. */
  replies?: Array<{mac: string; rttMs?: number}>
  offers?: DhcpOffer[]
  detail?: string
  command: string
}

export interface ProbeSkip {
  probe: string
  reason: string
  hint?: string
}

export interface ProbeResults {
  startedAt: string
  durationMs: number
  timeoutMs: number
  /** How the host's ICMP was sent: one in-process raw socket, or one `ping` per address (when the addon is not built). */
  icmpEngine: 'raw-socket' | 'ping'
  records: ProbeRecord[]
  skipped: ProbeSkip[]
}
