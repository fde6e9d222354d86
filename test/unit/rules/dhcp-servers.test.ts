import {describe, expect, it} from 'vitest'

import {dhcpServers} from '../../../src/rules/dhcp-servers.js'
import type {DhcpOffer} from '../../../src/probe/types.js'
import {fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

/** A host whose DHCP probe on eth0 collected `offers`, in that order. */
const offered = (offers: DhcpOffer[]) => ({
  links: [{name: 'eth0'}],
  networks: [{name: 'lan', parent: 'eth0'}],
  probes: [{purpose: 'dhcp-discover' as const, kind: 'dhcp' as const, parent: 'eth0', target: '255.255.255.255:67', outcome: 'reply' as const, offers}],
})

describe('dhcp-servers', () => {
  it('names each server and what it offered', () => {
    const [result] = judge(dhcpServers, offered([{server: '192.168.1.1', offered: '192.168.1.120'}, {server: '192.168.1.250', offered: '192.168.1.163'}]))
    expect(result?.message).toBe(
      "2 DHCP servers answer on eth0 (192.168.1.1 offering 192.168.1.120; 192.168.1.250 offering 192.168.1.163): a second or rogue server hands out addresses that neither the router nor Docker's --ip-range accounts for.",
    )
  })

  const withPihole = (offers: DhcpOffer[]) => ({...offered(offers), containers: [{name: 'pihole', network: 'lan', ip: '192.168.1.250'}]})

  it('names the container that is itself a second DHCP server on the LAN', () => {
    const [result] = judge(dhcpServers, withPihole([{server: '192.168.1.1', offered: '192.168.1.120'}, {server: '192.168.1.250', offered: '192.168.1.163'}]))
    expect(result?.outcome).toBe('warn')
    expect(result?.message).toContain('192.168.1.250 is container pihole on lan: a DHCP server in a macvlan container answers the whole LAN.')
    expect(result?.fix?.summary).toBe('Switch off the DHCP server of container pihole (or the router\'s, if pihole is to serve the LAN); enable DHCP snooping on the switch.')
    expect(result?.evidence?.facts).toMatchObject({containerServers: {'192.168.1.250': 'pihole'}})
  })

  it('passes a container that is the only DHCP server, and says so', () => {
    expect(judge(dhcpServers, withPihole([{server: '192.168.1.250', offered: '192.168.1.163'}]))[0]).toMatchObject({
      outcome: 'pass',
      message: 'One DHCP server answers on eth0: 192.168.1.250, which is container pihole on lan: the LAN gets no leases while it is down.',
    })
  })

  it('has nothing to judge without the DHCP probe (a replayed lab snapshot)', () => {
    expect(judge(dhcpServers, fixture('healthy'))[0]).toMatchObject({outcome: 'skip', skipKind: 'not-applicable'})
  })
})

describe('dhcp-servers ordering', () => {
  it('lists servers by address, whatever order their offers arrived in', () => {
    const [result] = judge(dhcpServers, offered([{server: '192.168.1.250', offered: '192.168.1.163'}, {server: '192.168.1.9', offered: '192.168.1.120'}]))
    expect(result?.message).toMatch(/^2 DHCP servers answer on eth0 \(192\.168\.1\.9 offering .*; 192\.168\.1\.250 offering/)
  })
})
