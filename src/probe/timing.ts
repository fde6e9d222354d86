/**
 * Every wait and time limit of the probe phase, named once. Two quantities come from the operator: `waitMs`
 * (--probe-timeout), how long one ICMP or ARP probe waits for its answer, and `dhcpWaitMs` (--dhcp-timeout), how long
 * a DHCP discovery collects offers. Everything else is a limit derived from them: how long the process that does the
 * waiting may run before it is killed, which is its wait plus the time to start it and read what it leaves behind.
 * No limit here ever shortens a wait; it only stops a program that hangs past it.
 */

/** What probes wait for: answers to ICMP and ARP, and DHCP offers. */
export interface ProbeWaits {
  /** How long each ICMP or ARP probe waits for an answer (--probe-timeout). */
  waitMs: number
  /** How long a DHCP discovery collects offers (--dhcp-timeout). */
  dhcpWaitMs: number
}

/**
 * What a process that sends probes from inside a namespace gets beyond its wait: entering the namespace (nsenter,
 * `ip netns exec`), forking one program per target, and the neighbour dump that follows the pings.
 */
const NAMESPACE_PROCESS_MARGIN_MS = 2000

/** What one arping run from the host's own namespace gets beyond its wait: starting it, nothing to enter or read after. */
const HOST_PROCESS_MARGIN_MS = 1000

/** What the `ip` commands that set up and remove a throw-away interface get beyond the longest wait of what runs in it. */
const SCRATCH_MARGIN_MS = 1000

/** Asking arping for its version: no packet, no wait, only a program starting. */
export const VERSION_QUERY_LIMIT_MS = 2000

/**
 * A server that pings each address before offering it and serves one client at a time (dnsmasq: ~3 s an address)
 * answers the questions one after another: the probe listens on past its window while such a server keeps answering,
 * up to one ping check per question beyond it.
 */
export const DHCP_ANSWER_GAP_MS = 4000

/** How long the DHCP probe may listen at most, for `questions` and a window of `windowMs`. */
export const dhcpListenCapMs = (windowMs: number, questions: number) => windowMs + DHCP_ANSWER_GAP_MS * Math.max(0, questions - 1)

/** The time limit of a process in a namespace that waits `waitMs` for answers. */
export const namespaceProcessLimitMs = (waitMs: number) => waitMs + NAMESPACE_PROCESS_MARGIN_MS

/** The time limit of one arping from the host that waits `waitMs`. */
export const hostProcessLimitMs = (waitMs: number) => waitMs + HOST_PROCESS_MARGIN_MS

/** The time limit of each `ip` command that sets up or removes a throw-away interface used for `longestWaitMs`. */
export const scratchLimitMs = (longestWaitMs: number) => longestWaitMs + SCRATCH_MARGIN_MS

/** Re-reading the containers a probe failed from or to: Docker and one `ip -batch` per namespace, like one probe process. */
export const recheckLimitMs = (waitMs: number) => namespaceProcessLimitMs(waitMs)

/** A wait in whole seconds for ping's `-W` and arping's `-w`, at least one. */
export const waitSeconds = (ms: number) => String(Math.max(1, Math.ceil(ms / 1000)))
