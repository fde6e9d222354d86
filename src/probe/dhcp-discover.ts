/**
 * Run inside the throw-away probe namespace: sends DHCPDISCOVERs from MACs given on the command line and prints every
 * OFFER as one JSON line, until the time limit. It never sends a REQUEST, so no lease is taken.
 * Usage: node dhcp-discover.js TIMEOUT_MS MAC [MAC…]
 */
import {randomInt} from 'node:crypto'
import dgram from 'node:dgram'

import {buildDiscover, parseOffer} from './dhcp-packet.js'

const [timeoutText, ...macs] = process.argv.slice(2)
const socket = dgram.createSocket({type: 'udp4', reuseAddr: true})
const xids = new Map(macs.map((mac) => [randomInt(1, 0x7f_ff_ff_ff), mac]))
socket.on('error', (error) => {
  process.stderr.write(`${error.message}\n`)
  process.exit(1)
})
socket.on('message', (message) => {
  const xid = message.length >= 8 ? message.readUInt32BE(4) : 0
  const mac = xids.get(xid)
  const offer = mac ? parseOffer(message, xid) : undefined
  if (offer) process.stdout.write(`${JSON.stringify({mac, ...offer})}\n`)
})
socket.bind(68, '0.0.0.0', () => {
  socket.setBroadcast(true)
  for (const [xid, mac] of xids) socket.send(buildDiscover(mac, xid), 67, '255.255.255.255')
  setTimeout(() => socket.close(), Number(timeoutText) || 1000)
})
