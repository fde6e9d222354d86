/** Pure parsers for the output of iputils' ping and arping (run with LC_ALL=C). */

export function pingRtt(output: string): number | undefined {
  const match = /time[=<]([\d.]+) ?ms/.exec(output)
  return match?.[1] ? Number(match[1]) : undefined
}

/** Every `Unicast reply from IP [MAC]  RTTms` line, MACs lower-cased, duplicates kept once (first RTT wins). */
export function arpingReplies(output: string): Array<{mac: string; rttMs?: number}> {
  const replies = new Map<string, number | undefined>()
  for (const match of output.matchAll(/reply from [\d.]+ \[([0-9A-Fa-f:]{17})\]\s+([\d.]+)ms/g)) {
    const mac = (match[1] ?? '').toLowerCase()
    if (!replies.has(mac)) replies.set(mac, match[2] ? Number(match[2]) : undefined)
  }
  return [...replies].map(([mac, rttMs]) => (rttMs === undefined ? {mac} : {mac, rttMs}))
}

/** arping's `Sent N probes` line: how many requests went out, or undefined when it never got that far. */
export function arpingSent(output: string): number | undefined {
  const match = /^Sent (\d+) probes?/m.exec(output)
  return match?.[1] ? Number(match[1]) : undefined
}

/** ARP resolved for `address` when `ip -j neigh show ADDRESS` has an entry with a MAC that is not FAILED or INCOMPLETE. */
export function neighbourResolved(raw: unknown): boolean {
  if (!Array.isArray(raw)) return false
  return raw.some((entry: {lladdr?: string; state?: string[]}) => entry.lladdr && !(entry.state ?? []).some((state) => state === 'FAILED' || state === 'INCOMPLETE'))
}
