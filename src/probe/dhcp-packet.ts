/** DHCPDISCOVER building and DHCPOFFER parsing (RFC 2131/2132), pure so they can be tested without a network. */
import type {DhcpOffer} from './types.js'

const MAGIC_COOKIE = 0x63_82_53_63

function macBytes(mac: string): Buffer {
  return Buffer.from(mac.split(':').map((part) => Number.parseInt(part, 16)))
}

/**
 * A DISCOVER with the broadcast flag set, so the OFFER comes back to 255.255.255.255 (the probe has no address).
 * `requested` adds option 50 (Requested IP Address): a server offers that very address when it is in its pool and free
 * (RFC 2131 §4.3.1), so the offer answers "is this address in the pool?".
 */
export function buildDiscover(mac: string, xid: number, requested?: string): Buffer {
  const packet = Buffer.alloc(300)
  packet[0] = 1 // BOOTREQUEST
  packet[1] = 1 // Ethernet
  packet[2] = 6 // hardware address length
  packet.writeUInt32BE(xid, 4)
  packet.writeUInt16BE(0x80_00, 10) // broadcast flag
  macBytes(mac).copy(packet, 28)
  packet.writeUInt32BE(MAGIC_COOKIE, 236)
  // 53: DHCPDISCOVER; 55: ask for subnet mask, router, lease time, server id; 50: the requested address; 255: end.
  const requestedOption = requested ? [50, 4, ...requested.split('.').map(Number)] : []
  Buffer.from([53, 1, 1, 55, 4, 1, 3, 51, 54, ...requestedOption, 255]).copy(packet, 240)
  return packet
}

const ip = (bytes: Buffer) => [...bytes].join('.')

/** The OFFER in `packet` for our `xid`, or undefined for anything else. */
export function parseOffer(packet: Buffer, xid: number): DhcpOffer | undefined {
  if (packet.length < 240 || packet[0] !== 2 || packet.readUInt32BE(4) !== xid || packet.readUInt32BE(236) !== MAGIC_COOKIE) return undefined
  const options = new Map<number, Buffer>()
  for (let at = 240; at < packet.length; ) {
    const code = packet[at] ?? 255
    if (code === 255) break
    if (code === 0) {
      at++
      continue
    }
    const length = packet[at + 1] ?? 0
    options.set(code, packet.subarray(at + 2, at + 2 + length))
    at += 2 + length
  }
  if (options.get(53)?.[0] !== 2) return undefined
  const server = options.get(54)
  const offer: DhcpOffer = {server: server ? ip(server) : ip(packet.subarray(20, 24)), offered: ip(packet.subarray(16, 20))}
  const mask = options.get(1)
  const router = options.get(3)
  const lease = options.get(51)
  if (mask?.length === 4) offer.mask = ip(mask)
  if (router && router.length >= 4) offer.router = ip(router.subarray(0, 4))
  if (lease?.length === 4) offer.leaseSeconds = lease.readUInt32BE(0)
  return offer
}
