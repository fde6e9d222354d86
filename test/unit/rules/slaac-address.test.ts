import {describe, expect, it} from 'vitest'

import {slaacAddress} from '../../../src/rules/slaac-address.js'
import {fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

const v4 = {ifname: 'eth0', family: 'inet' as const, local: '192.168.1.10', prefixlen: 24, scope: 'global'}
const v6 = (local: string, flags?: string[]) => ({ifname: 'eth0', family: 'inet6' as const, local, prefixlen: 64, scope: 'global', ...(flags ? {flags} : {})})
const SLAAC = ['dynamic', 'mngtmpaddr']

describe('slaac-address', () => {
  it('warns about a SLAAC address on an IPv4-only network, with the prefix, and offers accept_ra=0 or an IPv6 subnet', () => {
    const [result] = judge(slaacAddress, {
      networks: [{name: 'lan', parent: 'eth1'}],
      containers: [{name: 'web', network: 'lan', ip: '192.168.1.10'}],
      views: {web: {addresses: [v4, v6('2001:db8:5::42:c0ff:fea8:10a', SLAAC)]}},
    })
    expect(result?.outcome).toBe('warn')
    expect(result?.message).toBe(
      'web configured 2001:db8:5::42:c0ff:fea8:10a/64 on eth0 by SLAAC from a router advertising 2001:db8:5::/64 on lan, which is IPv4-only: it is reachable at an address Docker does not manage (not in `docker inspect`, never checked for conflicts, and open to the LAN whatever Docker publishes).',
    )
    const commands = result?.fix?.commands ?? []
    expect(commands[0]).toBe('docker run --sysctl net.ipv6.conf.eth0.accept_ra=0 --network lan …')
    expect(commands).toContain('docker network rm lan')
    expect(commands).toContain('docker network create -d macvlan -o parent=eth1 --ipv6 --subnet=192.168.1.0/24 --gateway=192.168.1.1 --subnet=2001:db8:5::/64 lan')
  })

  it('warns when the advertised prefix is not the network\'s IPv6 subnet', () => {
    const [result] = judge(slaacAddress, {
      networks: [{name: 'lan', parent: 'eth1', ipv6: {subnet: 'fd00:1::/64', gateway: 'fd00:1::1'}}],
      containers: [{name: 'web', network: 'lan', ip: '192.168.1.10', ip6: 'fd00:1::10'}],
      views: {web: {addresses: [v4, v6('fd00:1::10', ['nodad']), v6('fd99::42:c0ff:fea8:10a', SLAAC)]}},
    })
    expect(result?.outcome).toBe('warn')
    expect(result?.message).toContain('from a router advertising fd99::/64 on lan, whose IPv6 subnet is fd00:1::/64')
    expect(result?.fix?.commands.find((command) => command.startsWith('docker network create'))).toBe('docker network create -d macvlan -o parent=eth1 --ipv6 --subnet=192.168.1.0/24 --gateway=192.168.1.1 --subnet=fd99::/64 lan')
  })

  it.each(['dual-stack', 'dual-stack.docker-26.1'])('passes the lab\'s dual-stack containers (%s), whose SLAAC address is inside Docker\'s subnet', (name) => {
    const results = judge(slaacAddress, fixture(name))
    expect(results.map((result) => result.outcome)).toEqual(['pass', 'pass'])
    expect(results[1]?.message).toMatch(/^web holds no global IPv6 address on eth0 outside the subnets Docker manages for lan\. Its SLAAC address fd77::[0-9a-f:]+\/64 is inside lan's IPv6 subnet fd77::\/64/)
  })

  it('passes the IPv4-only lab host, whose containers hold no IPv6 address', () => {
    expect(judge(slaacAddress, fixture('healthy')).map((result) => [result.outcome, result.message])).toContainEqual(['pass', 'web holds no global IPv6 address on eth0 outside the subnets Docker manages for lan.'])
  })

  it('ignores Docker\'s own address and temporary privacy addresses', () => {
    const [result] = judge(slaacAddress, {
      networks: [{name: 'lan', parent: 'eth1'}],
      containers: [{name: 'web', network: 'lan', ip: '192.168.1.10'}],
      views: {web: {addresses: [v4, v6('2001:db8:5::1234', ['temporary', 'dynamic'])]}},
    })
    expect(result?.outcome).toBe('pass')
  })
})
