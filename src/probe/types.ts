/** What the probes sent and what came back: part of the report, and evidence for the rules. */

export type ProbePurpose =
  | 'host-to-container'
  | 'host-to-gateway'
  | 'container-to-gateway'
  /** ICMPv6 echo from inside a container to its IPv6 gateway; the neighbour table says whether solicitation resolved it. */
  | 'container-to-gateway6'
  | 'container-to-host'
  | 'container-to-peer'
  | 'mac-filter-host'
  | 'mac-filter-scratch'
  | 'address-owners'
  /** Duplicate address detection (ARP with sender 0.0.0.0) for a container's address, from its parent and from inside it. */
  | 'duplicate-address'
  | 'dhcp-discover'
  | 'free-address'

export interface DhcpOffer {
  server: string
  offered: string
  /** The address this DISCOVER asked for (option 50); absent for the plain DISCOVER. */
  requested?: string
  mask?: string
  router?: string
  leaseSeconds?: number
}

/** An address the DHCP probe asks the servers for, and why it matters. */
export interface DhcpQuestion {
  address: string
  /** Why it is asked, for the report: "the lowest free address of Docker's range 192.168.77.192/27". */
  why: string
  network: string
  /**
   * What the answer decides: `range-low`/`range-high` are the free addresses just below and above Docker's range
   * `range` (a contiguous pool that reaches into the range from that side holds one of them), `range-inside` the free
   * end of the range beside one of those (asked only once that one was offered back: the pool then comes up to the
   * range, and this proves whether it reaches in), `shim` the fix's shim address, `static` a container's.
   */
  role: 'range-low' | 'range-high' | 'range-inside' | 'shim' | 'static'
  range?: string
  /** A follow-up: asked only once this address was offered back. */
  after?: string
  /** The container whose static address this question is about. */
  container?: string
  /** The address in use this one stands beside: a server that pings first never offers an address in use. */
  beside?: string
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
  /** Answered, silent, or errored (the probe itself failed: it says nothing about the network). A probe that was not sent has no record: see `ProbeResults.skipped`. */
  outcome: 'reply' | 'no-reply' | 'error'
  /** For ICMP: whether ARP for the next hop resolved, which splits a failure into L2 and L3. */
  l2?: 'resolved' | 'unresolved'
  /** For ICMP: the MAC neighbour discovery resolved the target to (which router holds a gateway's address). */
  nextHopMac?: string
  rttMs?: number
  /** For ARP: every MAC that answered. */
  replies?: Array<{mac: string; rttMs?: number}>
  /** For duplicate address detection: how many requests went out (arping stops at the first answer). */
  sent?: number
  offers?: DhcpOffer[]
  /** For DHCP: every address asked for with option 50, answered or not. */
  questions?: DhcpQuestion[]
  detail?: string
  command: string
}

/** Probes this run meant to send and could not: the questions they would have answered were not asked. */
export interface ProbeSkip {
  probe: string
  reason: string
  hint?: string
  /** The kinds of probe kept back. */
  purposes: ProbePurpose[]
  /** Set when only the probes through this parent, or from or to this container, were kept back. */
  parent?: string
  container?: string
}

export interface ProbeResults {
  startedAt: string
  durationMs: number
  timeoutMs: number
  /** How the host's ICMP was sent: one in-process raw socket, or one `ping` per address (when the addon is not built). */
  icmpEngine: 'raw-socket' | 'ping'
  /** Why the host's ICMP went by ping (the raw socket could not be had). */
  icmpFallback?: string
  records: ProbeRecord[]
  skipped: ProbeSkip[]
  /** Throw-away namespaces (each with its macvlan) that runs killed by SIGKILL had left behind, removed before probing. */
  removedStale?: string[]
}
