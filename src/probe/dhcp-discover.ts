/**
 * Run inside the throw-away probe namespace: sends one DHCPDISCOVER from each MAC given on the command line, with
 * option 50 when the MAC is followed by `=ADDRESS`, and prints every OFFER as one JSON line. It never sends a REQUEST,
 * so no lease is taken. `MAC=ADDRESS@TRIGGER` is a follow-up, sent only once some server offered TRIGGER back.
 *
 * It listens for WINDOW_MS, and then on for as long as a server that answered is still working through the questions
 * (asks with an address) it has not answered: a server that pings each address before offering it and serves one
 * client at a time (dnsmasq: ~3 s an address) answers them one after another. It stops when every server that answered
 * has answered every question, when a server has been quiet for GAP_MS, or at CAP_MS.
 * Usage: node dhcp-discover.js WINDOW_MS GAP_MS CAP_MS MAC[=REQUESTED[@TRIGGER]] […]
 */
import {randomInt} from 'node:crypto'
import dgram from 'node:dgram'

import {buildDiscover, parseOffer} from './dhcp-packet.js'

const [windowText, gapText, capText, ...asks] = process.argv.slice(2)
const windowMs = Number(windowText) || 1000
const gapMs = Number(gapText) || 0
const capMs = Math.max(windowMs, Number(capText) || 0)
const started = Date.now()
const socket = dgram.createSocket({type: 'udp4', reuseAddr: true})
interface Ask {
  mac: string
  requested?: string
  trigger?: string
}
const xids = new Map<number, Ask>(
  asks.map((text) => {
    const [mac = '', wanted = ''] = text.split('=')
    const [requested, trigger] = wanted.split('@')
    return [randomInt(1, 0x7f_ff_ff_ff), {mac, ...(requested ? {requested} : {}), ...(trigger ? {trigger} : {})}]
  }),
)
/** Questions sent so far (follow-ups join when triggered). */
const questions: number[] = []
/** Per server: the questions it answered, and when it last answered one. */
const servers = new Map<string, {answered: Set<number>; lastAt: number}>()

socket.on('error', (error) => {
  process.stderr.write(`${error.message}\n`)
  process.exit(1)
})
socket.on('message', (message) => {
  const xid = message.length >= 8 ? message.readUInt32BE(4) : 0
  const ask = xids.get(xid)
  const offer = ask ? parseOffer(message, xid) : undefined
  if (!ask || !offer) return
  const {trigger: _trigger, ...asked} = ask
  process.stdout.write(`${JSON.stringify({...asked, ...offer})}\n`)
  if (ask.requested && offer.offered === ask.requested) {
    for (const [followUp, next] of xids) if (next.trigger === ask.requested && !questions.includes(followUp)) send(followUp, next)
  }
  const server = servers.get(offer.server) ?? {answered: new Set<number>(), lastAt: 0}
  server.answered.add(xid)
  server.lastAt = Date.now()
  servers.set(offer.server, server)
})

/** Some server answered, still owes questions, and answered one within the last GAP_MS. */
const stillAnswering = (now: number) =>
  [...servers.values()].some((server) => questions.some((xid) => !server.answered.has(xid)) && now - server.lastAt < gapMs)

function closeWhenDone(): void {
  const now = Date.now()
  if (now - started >= capMs || !stillAnswering(now)) socket.close()
  else setTimeout(closeWhenDone, 100)
}

function send(xid: number, {mac, requested}: Ask): void {
  if (requested) questions.push(xid)
  socket.send(buildDiscover(mac, xid, requested), 67, '255.255.255.255')
}

socket.bind(68, '0.0.0.0', () => {
  socket.setBroadcast(true)
  // Sent in the order given: a server that serves one client at a time answers the first ones first.
  for (const [xid, ask] of xids) if (!ask.trigger) send(xid, ask)
  setTimeout(closeWhenDone, windowMs)
})
