import type {Ipv6Conf} from '../snapshot/types.js'

/** The IPv6 settings read for every interface, as `grep` prints them from /proc/sys/net/ipv6/conf. */
export const IPV6_CONF_KEYS = ['accept_ra', 'disable_ipv6', 'forwarding'] as const

/**
 * A shell line that prints `<interface>/<key>:<value>` for each of IPV6_CONF_KEYS of every interface of the namespace it
 * runs in (/proc/sys/net follows the reader's network namespace), and nothing when the kernel has no IPv6.
 */
export const IPV6_CONF_SCRIPT = `cd /proc/sys/net/ipv6/conf 2>/dev/null && grep . ${IPV6_CONF_KEYS.map((key) => `*/${key}`).join(' ')}`

/** What IPV6_CONF_SCRIPT printed, by interface. Interface names hold neither `/` nor `:` (the kernel refuses both). */
export function parseIpv6Conf(text: string): Record<string, Ipv6Conf> {
  const values = new Map<string, Partial<Record<(typeof IPV6_CONF_KEYS)[number], number>>>()
  for (const line of text.split('\n')) {
    const match = /^([^/:]+)\/([a-z_0-9]+):(-?\d+)$/.exec(line.trim())
    if (!match) continue
    const [, ifname = '', key = '', value = ''] = match
    if (!(IPV6_CONF_KEYS as readonly string[]).includes(key)) continue
    values.set(ifname, {...values.get(ifname), [key]: Number(value)})
  }
  const conf: Record<string, Ipv6Conf> = {}
  for (const [ifname, read] of [...values.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    conf[ifname] = {disableIpv6: read.disable_ipv6 === 1, acceptRa: read.accept_ra ?? 1, forwarding: (read.forwarding ?? 0) > 0}
  }
  return conf
}
