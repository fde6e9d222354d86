import {describe, expect, it} from 'vitest'

import {buildDiscover, parseOffer} from '../../../src/probe/dhcp-packet.js'
import {arpingReplies, arpingSent, neighbourResolved, pingRtt} from '../../../src/probe/parse.js'
import {throwAwayMac} from '../../../src/probe/scratch.js'

describe('probe output parsers (iputils, captured in the lab)', () => {
  it('reads the RTT of ping', () => {
    expect(pingRtt('64 bytes from 192.168.77.192: icmp_seq=1 ttl=64 time=0.338 ms')).toBe(0.338)
    expect(pingRtt('1 packets transmitted, 0 received, 100% packet loss')).toBeUndefined()
  })

  it('collects every MAC that answered arping, once each', () => {
    const output = [
      'ARPING 192.168.77.192 from 0.0.0.0 mvdp0',
      'Unicast reply from 192.168.77.192 [02:42:C0:A8:4D:C0]  0.567ms',
      'Unicast reply from 192.168.77.192 [FE:F4:02:A0:54:0C]  0.575ms',
      'Unicast reply from 192.168.77.192 [02:42:C0:A8:4D:C0]  0.601ms',
      'Sent 2 probes (1 broadcast(s))',
      'Received 3 response(s)',
    ].join('\n')
    expect(arpingReplies(output)).toEqual([
      {mac: '02:42:c0:a8:4d:c0', rttMs: 0.567},
      {mac: 'fe:f4:02:a0:54:0c', rttMs: 0.575},
    ])
  })

  it('reads duplicate address detection (arping -D): the answering MAC and how many requests went out, or none', () => {
    // Captured in the lab: from the parent, a second Docker host's container with web's own MAC answered the first request.
    const answered = ['ARPING 192.168.77.192 from 0.0.0.0 eth1', 'Unicast reply from 192.168.77.192 [02:42:C0:A8:4D:C0]  0.581ms', 'Sent 1 probes (1 broadcast(s))', 'Received 1 response(s)'].join('\n')
    expect(arpingReplies(answered)).toEqual([{mac: '02:42:c0:a8:4d:c0', rttMs: 0.581}])
    expect(arpingSent(answered)).toBe(1)
    const silent = ['ARPING 192.168.77.192 from 0.0.0.0 eth0', 'Sent 2 probes (2 broadcast(s))', 'Received 0 response(s)'].join('\n')
    expect(arpingReplies(silent)).toEqual([])
    expect(arpingSent(silent)).toBe(2)
    expect(arpingSent('arping: unknown iface eth9')).toBeUndefined()
  })

  it('calls ARP resolved only with a MAC in a usable state', () => {
    expect(neighbourResolved([{dst: '192.168.77.192', dev: 'lan-shim', lladdr: '02:42:c0:a8:4d:c0', state: ['REACHABLE']}])).toBe(true)
    expect(neighbourResolved([{dst: '192.168.77.1', dev: 'eth0', state: ['FAILED']}])).toBe(false)
    expect(neighbourResolved([{dst: '192.168.77.1', dev: 'eth0', lladdr: '02:42:c0:a8:4d:c0', state: ['INCOMPLETE']}])).toBe(false)
    expect(neighbourResolved([])).toBe(false)
  })
})

describe('DHCP packets', () => {
  it('builds a DISCOVER with the broadcast flag and our MAC, and reads an OFFER for our xid only', () => {
    const discover = buildDiscover('02:11:22:33:44:55', 0x1234)
    expect(discover[0]).toBe(1)
    expect(discover.readUInt16BE(10)).toBe(0x8000)
    expect([...discover.subarray(28, 34)]).toEqual([2, 0x11, 0x22, 0x33, 0x44, 0x55])
    expect(discover.subarray(240, 243)).toEqual(Buffer.from([53, 1, 1]))

    const offer = Buffer.from(discover)
    offer[0] = 2
    Buffer.from([192, 168, 77, 141]).copy(offer, 16)
    Buffer.from([53, 1, 2, 54, 4, 192, 168, 77, 1, 1, 4, 255, 255, 255, 0, 3, 4, 192, 168, 77, 1, 51, 4, 0, 0, 14, 16, 255]).copy(offer, 240)
    expect(parseOffer(offer, 0x1234)).toEqual({server: '192.168.77.1', offered: '192.168.77.141', mask: '255.255.255.0', router: '192.168.77.1', leaseSeconds: 3600})
    expect(parseOffer(offer, 0x9999)).toBeUndefined()
    expect(parseOffer(discover, 0x1234)).toBeUndefined()
  })

  it('makes throw-away MACs unicast and locally administered', () => {
    for (let i = 0; i < 50; i++) {
      const first = Number.parseInt(throwAwayMac().slice(0, 2), 16)
      expect(first & 1).toBe(0)
      expect(first & 2).toBe(2)
    }
  })
})
