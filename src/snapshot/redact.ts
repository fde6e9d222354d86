/**
 * Replaces MACs, IP addresses, the hostname and container names with consistent tokens, so a report can go on a
 * public ticket and still be read: the same value always maps to the same token, and CIDR prefixes stay visible.
 */

const MAC = /\b[0-9a-f]{2}(?::[0-9a-f]{2}){5}\b/gi
const IPV4 = /\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b/g
// Two or more hex groups joined by colons, with at most one `::` — run after MACs so those are gone.
const IPV6 = /(?<![\w:])(?:[0-9a-f]{1,4}:){1,7}(?::|(?::[0-9a-f]{1,4}){1,7}|[0-9a-f]{1,4})(?![\w:])/gi

/** Without `::` an IPv6 address has all eight groups; this keeps times like 12:09:19 out. */
const looksLikeIPv6 = (candidate: string) => candidate.includes('::') || candidate.split(':').length === 8

/** Not identifying, and useful to keep readable. */
const KEEP = new Set(['0.0.0.0', '127.0.0.1', '255.255.255.255', 'ff:ff:ff:ff:ff:ff', '00:00:00:00:00:00', '::', '::1'])

/** Matches `name` only where it is not part of a longer name (`db` must not hit `docker-dbus`). */
function wholeWord(name: string): RegExp {
  return new RegExp(`(?<![\\w.-])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-]|\\.\\w)`, 'g')
}

export class Redactor {
  private readonly tokens = new Map<string, string>()
  private readonly counters = new Map<string, number>()
  private readonly names: string[]

  /** `names`: hostnames and container names to hide wherever they appear. */
  constructor(names: Iterable<string>) {
    // Longest first, so "web-1" is replaced before "web".
    this.names = [...new Set(names)].filter((name) => name.length >= 2).sort((a, b) => b.length - a.length)
  }

  private token(kind: string, value: string): string {
    const key = `${kind}:${value.toLowerCase()}`
    let token = this.tokens.get(key)
    if (!token) {
      const count = (this.counters.get(kind) ?? 0) + 1
      this.counters.set(kind, count)
      token = `${kind}-${count}`
      this.tokens.set(key, token)
    }
    return token
  }

  text(value: string): string {
    let out = value.replace(MAC, (mac) => (KEEP.has(mac.toLowerCase()) ? mac : this.token('mac', mac)))
    out = out.replace(IPV4, (ip) => (KEEP.has(ip) ? ip : this.token('ip4', ip)))
    out = out.replace(IPV6, (ip) => (looksLikeIPv6(ip) && !KEEP.has(ip.toLowerCase()) ? this.token('ip6', ip) : ip))
    for (const name of this.names) out = out.replace(wholeWord(name), () => this.token('name', name))
    return out
  }

  /** Deep copy of `value` with every string (keys included) redacted. */
  value<T>(value: T): T {
    if (typeof value === 'string') return this.text(value) as T
    if (Array.isArray(value)) return value.map((item) => this.value(item)) as T
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [this.text(key), this.value(item)])) as T
    }
    return value
  }
}
