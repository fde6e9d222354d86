import {createRequire} from 'node:module'

import type * as IpNum from 'ip-num'

// ip-num is CommonJS: require() loads it in a few ms, where an ESM import first scans every file of it for named exports (~50 ms a run).
const {IPv4, IPv4CidrRange, IPv6, IPv6CidrRange, Validator} = createRequire(import.meta.url)('ip-num') as typeof IpNum

type CidrRange = IpNum.IPv4CidrRange | IpNum.IPv6CidrRange

/** Strips a prefix length: Docker reports endpoint addresses as `192.168.1.5/24`. */
export function bareAddress(address: string): string {
  return address.split('/')[0] ?? address
}

export function isIPv6(address: string): boolean {
  return bareAddress(address).includes(':')
}

/** Parses a CIDR even when its host bits are set (`192.168.0.110/24` is taken as `192.168.0.0/24`). */
export function parseCidr(cidr: string): CidrRange | undefined {
  const [address, prefixText] = cidr.split('/')
  if (address === undefined) return undefined
  const v6 = address.includes(':')
  const prefix = Number(prefixText ?? (v6 ? 128 : 32))
  try {
    if (v6) {
      if (!Validator.isValidIPv6String(address)[0] || !(prefix >= 0 && prefix <= 128)) return undefined
      return IPv6CidrRange.fromCidr(canonicalCidrOf(address, prefix, true))
    }
    if (!Validator.isValidIPv4String(address)[0] || !(prefix >= 0 && prefix <= 32)) return undefined
    return IPv4CidrRange.fromCidr(canonicalCidrOf(address, prefix, false))
  } catch {
    return undefined
  }
}

function canonicalCidrOf(address: string, prefix: number, v6: boolean): string {
  const bits = v6 ? 128n : 32n
  const value = v6 ? IPv6.fromString(address).getValue() : IPv4.fromDecimalDottedString(address).getValue()
  const mask = ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(prefix))) - 1n)
  const network = value & mask
  return `${v6 ? new IPv6(network).toString() : new IPv4(network).toString()}/${prefix}`
}

/** The form Docker should have been given: network address, no host bits. */
export function canonicalCidr(cidr: string): string | undefined {
  return parseCidr(cidr)?.toCidrString()
}

export function cidrContains(cidr: string, address: string): boolean {
  const range = parseCidr(cidr)
  const single = parseCidr(bareAddress(address))
  if (!range || !single || isIPv6(cidr) !== isIPv6(address)) return false
  return range.getFirst().isLessThanOrEquals(single.getFirst()) && single.getFirst().isLessThanOrEquals(range.getLast())
}

export function cidrsOverlap(a: string, b: string): boolean {
  const left = parseCidr(a)
  const right = parseCidr(b)
  if (!left || !right || isIPv6(a) !== isIPv6(b)) return false
  return cidrContains(a, right.getFirst().toString()) || cidrContains(b, left.getFirst().toString())
}

/** The highest address of `cidr` that `usable` accepts (skipping the broadcast address of a whole subnet), of the top 256. */
export function highestAddressWhere(cidr: string, usable: (address: string) => boolean, isWholeSubnet: boolean): string | undefined {
  const range = parseCidr(cidr)
  if (!range || isIPv6(cidr)) return undefined
  let candidate = range.getLast()
  if (isWholeSubnet) candidate = candidate.previousIPNumber()
  for (let tries = 0; tries < 256 && range.getFirst().isLessThan(candidate); tries++) {
    if (usable(candidate.toString())) return candidate.toString()
    candidate = candidate.previousIPNumber()
  }
  return undefined
}

/** The highest address of `cidr` that is not in `taken` (skipping the broadcast address of a whole subnet). */
export function highestFreeAddress(cidr: string, taken: ReadonlySet<string>, isWholeSubnet: boolean): string | undefined {
  return highestAddressWhere(cidr, (address) => !taken.has(address), isWholeSubnet)
}

export function addressCount(cidr: string): bigint {
  return parseCidr(cidr)?.getSize() ?? 0n
}

/** An inclusive IPv4 interval as numbers, from a CIDR, `first-last`, or one address. */
export interface Interval {
  first: bigint
  last: bigint
}

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)'
const DOTTED_QUAD = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`)

/** Parsed by hand rather than by ip-num: redacting a large host parses every address, and this is ten times faster. */
export function ipv4Value(address: string): bigint | undefined {
  const octets = DOTTED_QUAD.exec(bareAddress(address))
  return octets ? BigInt(octets.slice(1).reduce((value, octet) => value * 256 + Number(octet), 0)) : undefined
}

export function ipv4Text(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => (value >> shift) & 255n).join('.')
}

export function ipv6Value(address: string): bigint | undefined {
  const bare = bareAddress(address)
  return isIPv6(bare) && Validator.isValidIPv6String(bare)[0] ? IPv6.fromString(bare).getValue() : undefined
}

/** The RFC 5952 text of an IPv6 address, as iproute2 and Docker print it: lowercase, the longest run of zero groups as `::`. */
export function ipv6Text(value: bigint): string {
  const groups = Array.from({length: 8}, (_, index) => Number((value >> BigInt(112 - 16 * index)) & 0xffffn))
  let best = {start: -1, length: 1}
  for (let start = 0; start < 8; start++) {
    let length = 0
    while (start + length < 8 && groups[start + length] === 0) length++
    if (length > best.length) best = {start, length}
  }
  const hex = groups.map((group) => group.toString(16))
  if (best.start < 0) return hex.join(':')
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`
}

export function intervalOf(text: string): Interval | undefined {
  const [from, to] = text.split('-').map((part) => part.trim())
  if (from !== undefined && to !== undefined) {
    const first = ipv4Value(from)
    const last = ipv4Value(to)
    return first !== undefined && last !== undefined && first <= last ? {first, last} : undefined
  }
  const range = text.includes('/') ? parseCidr(text) : undefined
  if (range && !isIPv6(text)) return {first: range.getFirst().getValue(), last: range.getLast().getValue()}
  const single = ipv4Value(text)
  return single === undefined ? undefined : {first: single, last: single}
}

export function intervalText({first, last}: Interval): string {
  return first === last ? ipv4Text(first) : `${ipv4Text(first)}-${ipv4Text(last)}`
}

/** The part two intervals share, or undefined. */
export function intersection(a: Interval, b: Interval): Interval | undefined {
  const first = a.first > b.first ? a.first : b.first
  const last = a.last < b.last ? a.last : b.last
  return first <= last ? {first, last} : undefined
}

/**
 * An --ip-range for `subnet` that avoids every interval in `avoid` (DHCP pool, gateway, host, LAN devices): the highest
 * aligned block of an eighth of the subnet (at most 256 addresses), or the smallest larger block that holds `needed`.
 */
export function suggestIpRange(subnet: string, avoid: Interval[], needed: number): string | undefined {
  const range = parseCidr(subnet)
  if (!range || isIPv6(subnet)) return undefined
  const subnetPrefix = Number(range.toCidrString().split('/')[1])
  let prefix = Math.min(Math.max(subnetPrefix + 3, 24), 29)
  while (prefix > subnetPrefix && 1n << BigInt(32 - prefix) < BigInt(needed)) prefix--
  const size = 1n << BigInt(32 - prefix)
  for (let first = range.getLast().getValue() + 1n - size; first >= range.getFirst().getValue(); first -= size) {
    const block = {first, last: first + size - 1n}
    if (!avoid.some((interval) => intersection(interval, block))) return `${ipv4Text(first)}/${prefix}`
  }
  return undefined
}

/** The addresses two ranges (CIDR, `first-last` or one address) share, or undefined. */
export function overlapOf(a: string, b: string): Interval | undefined {
  const left = intervalOf(a)
  const right = intervalOf(b)
  return left && right ? intersection(left, right) : undefined
}
