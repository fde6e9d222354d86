import {describe, expect, it} from 'vitest'

import {vlanOwner} from '../../../src/rules/vlan-owner.js'
import {fixture} from '../../helpers/fixtures.js'
import type {HostExample} from '../../helpers/examples.js'
import {judge} from '../../helpers/judge.js'

// The lab's kernel has no 8021q, so these hosts are described, not built.
const vlan = {name: 'eth0.50', kind: 'vlan', vlanId: 50, parent: 'eth0'}
const host = (extra: {links?: NonNullable<HostExample['links']>; addresses?: Record<string, string[]>; mentions?: Record<string, string[]>} = {}) => ({
  links: [{name: 'eth0', address: '192.168.1.10/24'}, vlan, ...(extra.links ?? [])],
  addresses: extra.addresses ?? {},
  netConfig: {mentions: extra.mentions ?? {}},
  networks: [{name: 'iot', parent: 'eth0.50', subnet: '10.50.0.0/24', gateway: '10.50.0.1'}],
}) satisfies HostExample

describe('vlan-owner', () => {
  it('warns when docker network rm would delete a VLAN link the host also uses: a shim on it and an address', () => {
    const [result] = judge(vlanOwner, host({links: [{name: 'iot-shim', kind: 'macvlan', parent: 'eth0.50'}], addresses: {'eth0.50': ['10.50.0.2/24']}}))
    expect(result?.outcome).toBe('warn')
    expect(result?.subject).toEqual({network: 'iot', interface: 'eth0.50'})
    expect(result?.message).toBe(
      'eth0.50 (VLAN 50 on eth0) is in no network configuration of this host, so Docker made it for iot and deletes it with `docker network rm iot`, taking with it the host\'s address 10.50.0.2/24 and iot-shim on it. It comes back only when Docker recreates the network.',
    )
    expect(result?.fix?.summary).toBe('Declare eth0.50 (VLAN 50 on eth0) in the host\'s network configuration (systemd-networkd, netplan, NetworkManager or ifupdown: see `macvlan explain vlan-owner`): Docker then uses it and never deletes it.')
  })

  it('names the last network only: Docker deletes the link when its last network on it goes', () => {
    const built = host({addresses: {'eth0.50': ['10.50.0.2/24']}})
    built.networks.push({name: 'cams', parent: 'eth0.50', subnet: '10.50.0.0/24', gateway: '10.50.0.1'})
    const results = judge(vlanOwner, built)
    expect(results.map((result) => result.subject)).toEqual([{interface: 'eth0.50', network: 'iot'}, {interface: 'eth0.50', network: 'cams'}])
    expect(results[0]?.message).toContain('deletes it when the last of iot, cams is removed (`docker network rm iot cams`)')
  })

  it('passes a VLAN the host declares, and one that only Docker uses', () => {
    expect(judge(vlanOwner, host({mentions: {'eth0.50': ['/etc/systemd/network/eth0.50.netdev']}, addresses: {'eth0.50': ['10.50.0.2/24']}}))[0]).toMatchObject({
      outcome: 'pass',
      message: 'eth0.50 is declared in /etc/systemd/network/eth0.50.netdev: the host owns it, and docker network rm leaves it alone.',
    })
    expect(judge(vlanOwner, host())[0]).toMatchObject({
      outcome: 'pass',
      message: 'eth0.50 is in no network configuration of this host, so Docker made it for iot and deletes it with `docker network rm iot`; nothing else of the host uses it.',
    })
  })

  it('has nothing to judge on a parent that is not a VLAN (the lab)', () => {
    expect(judge(vlanOwner, fixture('healthy'))[0]).toMatchObject({outcome: 'skip', skipKind: 'not-applicable'})
  })
})
