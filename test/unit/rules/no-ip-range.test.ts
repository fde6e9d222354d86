import {describe, expect, it} from 'vitest'

import {noIpRange} from '../../../src/rules/no-ip-range.js'
import {fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

describe('no-ip-range', () => {
  it('proposes a range that avoids the host, the gateway, ARP neighbours and declared DHCP pools, with a shim reserved', () => {
    const host = {
      links: [{name: 'eth0', address: '192.168.1.10/24'}],
      networks: [{name: 'lan', parent: 'eth0'}],
      settings: {dhcpRanges: ['192.168.1.150-192.168.1.200']},
    }
    const [result] = judge(noIpRange, host)
    expect(result?.outcome).toBe('warn')
    expect(result?.message).toContain("the host's eth0 address")
    expect(result?.fix?.commands.find((line) => line.startsWith('docker network create'))).toBe('docker network create -d macvlan -o parent=eth0 --subnet=192.168.1.0/24 --gateway=192.168.1.1 --ip-range=192.168.1.224/27 --aux-address=shim=192.168.1.254 lan')
  })

  it('passes a subnet nobody else is known to use', () => {
    expect(judge(noIpRange, {links: [{name: 'eth0'}], networks: [{name: 'lan', parent: 'eth0', subnet: '10.20.0.0/24', gateway: '10.20.0.1'}]})[0]?.outcome).toBe('pass')
  })

  it('warns on the lab network without a range and passes the reserved one', () => {
    const [result] = judge(noIpRange, fixture('no-ip-range'))
    expect(result?.outcome).toBe('warn')
    expect(result?.fix?.commands.find((line) => line.startsWith('docker network create'))).toContain('--ip-range=192.168.77.224/27 --aux-address=shim=192.168.77.254')
    expect(judge(noIpRange, fixture('healthy'))[0]?.outcome).toBe('pass')
  })
})
