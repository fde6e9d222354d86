/**
 * One raw ICMP socket that sweeps every host-side target in-process: no process per address, and the sweep lasts one
 * timeout whatever the count. Needs the optional native addon raw-socket and CAP_NET_RAW; without them callers use ping.
 */
import {isSea} from 'node:sea'

type Raw = typeof import('raw-socket').default

async function loadRaw(): Promise<Raw | {fallback: string}> {
  // Node's single executable cannot load a native addon: nothing to try.
  if (isSea()) return {fallback: 'the single executable has no raw-socket addon'}
  try {
    return (await import('raw-socket')).default
  } catch {
    return {fallback: 'the optional raw-socket addon is not installed'}
  }
}

function echoRequest(raw: Raw, identifier: number, sequence: number): Buffer {
  const packet = Buffer.alloc(16)
  packet[0] = 8 // echo request
  packet.writeUInt16BE(identifier, 4)
  packet.writeUInt16BE(sequence, 6)
  packet.write('mvdoctor', 8)
  return raw.writeChecksum(packet, 2, raw.createChecksum(packet))
}

/** RTT per target that answered; why not, when the raw socket cannot be had (no addon, no CAP_NET_RAW). */
export async function icmpSweep(targets: string[], timeoutMs: number): Promise<Map<string, number> | {fallback: string}> {
  const raw = await loadRaw()
  if ('fallback' in raw) return raw
  if (targets.length === 0) return new Map()
  let socket: ReturnType<Raw['createSocket']>
  try {
    socket = raw.createSocket({protocol: raw.Protocol.ICMP})
  } catch (error) {
    return {fallback: `no raw socket: ${error instanceof Error ? error.message : String(error)}`}
  }
  const identifier = process.pid & 0xff_ff
  const sentAt = new Map<number, number>()
  const rtts = new Map<string, number>()
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer)
      socket.close()
      resolve(rtts)
    }
    // A busy event loop (spawning the other probes) can run this timer before it delivers replies that arrived in
    // time: read until a turn of the loop brings nothing new, then stop.
    const drain = (seen: number) => setImmediate(() => (rtts.size > seen ? drain(rtts.size) : finish()))
    const timer = setTimeout(() => drain(-1), timeoutMs)
    socket.on('message', (buffer: Buffer, source: string) => {
      // Raw IPv4 sockets deliver the IP header too; our own requests come back on some links: keep echo replies only.
      const icmp = ((buffer[0] ?? 0) & 0x0f) * 4
      if (buffer[icmp] !== 0 || buffer.readUInt16BE(icmp + 4) !== identifier) return
      const sequence = buffer.readUInt16BE(icmp + 6)
      const started = sentAt.get(sequence)
      if (started === undefined || targets[sequence] !== source || rtts.has(source)) return
      rtts.set(source, Math.round((performance.now() - started) * 1000) / 1000)
      if (rtts.size === targets.length) finish()
    })
    socket.on('error', finish)
    targets.forEach((target, sequence) => {
      sentAt.set(sequence, performance.now())
      socket.send(echoRequest(raw, identifier, sequence), 0, 16, target, () => undefined)
    })
  })
}
