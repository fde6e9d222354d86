import {IPv4, IPv4CidrRange, IPv6, IPv6CidrRange, Validator} from 'ip-num'

export type CidrRange = IPv4CidrRange | IPv6CidrRange

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

/** True when every address of `inner` lies inside `outer`. */
export function cidrCovers(outer: string, inner: string): boolean {
  const innerRange = parseCidr(inner)
  return innerRange !== undefined && cidrContains(outer, innerRange.getFirst().toString()) && cidrContains(outer, innerRange.getLast().toString())
}

export function cidrsOverlap(a: string, b: string): boolean {
  const left = parseCidr(a)
  const right = parseCidr(b)
  if (!left || !right || isIPv6(a) !== isIPv6(b)) return false
  return cidrContains(a, right.getFirst().toString()) || cidrContains(b, left.getFirst().toString())
}

/** The highest address of `cidr` that is not in `taken` (skipping the broadcast address of a whole subnet). */
export function highestFreeAddress(cidr: string, taken: ReadonlySet<string>, isWholeSubnet: boolean): string | undefined {
  const range = parseCidr(cidr)
  if (!range || isIPv6(cidr)) return undefined
  let candidate = range.getLast()
  if (isWholeSubnet) candidate = candidate.previousIPNumber()
  for (let tries = 0; tries < 256 && range.getFirst().isLessThan(candidate); tries++) {
    if (!taken.has(candidate.toString())) return candidate.toString()
    candidate = candidate.previousIPNumber()
  }
  return undefined
}

export function addressCount(cidr: string): bigint {
  return parseCidr(cidr)?.getSize() ?? 0n
}
