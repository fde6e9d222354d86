import {describe, expect, it} from 'vitest'

import {containerStacking} from '../../../src/rules/container-stacking.js'
import {fixture} from '../../helpers/fixtures.js'
import type {HostExample} from '../../helpers/examples.js'
import {judge} from '../../helpers/judge.js'

const MAC = '02:42:c0:a8:01:0a'
const own = {ifindex: 2, name: 'eth0', kind: 'macvlan', mac: MAC, mtu: 1500, flags: ['UP', 'LOWER_UP'], operstate: 'UP', promiscuity: 0, linkType: 'ether', parentIndex: 3, linkNetnsId: 0}
const inside = (links: object[], ownLink: object = own): HostExample => ({
  links: [{name: 'eth0'}],
  networks: [{name: 'lan', parent: 'eth0'}],
  containers: [{name: 'vm', network: 'lan', ip: '192.168.1.10', mac: MAC}],
  views: {vm: {links: [ownLink, ...links] as never, addresses: [{ifname: 'eth0', family: 'inet', local: '192.168.1.10', prefixlen: 24, scope: 'global'}]}},
})

describe('container-stacking', () => {
  it('warns of a macvlan with a MAC of its own stacked on the container\'s macvlan: replies to that MAC never arrive', () => {
    const [result] = judge(containerStacking, inside([{ifindex: 5, name: 'mv1', kind: 'macvlan', parent: 'eth0', mac: '0a:11:22:33:44:55', mtu: 1500, flags: ['UP'], operstate: 'UP', promiscuity: 0, linkType: 'ether'}]))
    expect(result).toMatchObject({outcome: 'warn', subject: {network: 'lan', container: 'vm'}})
    expect(result?.message).toBe(
      "Inside vm, mv1 (macvlan, 0a:11:22:33:44:55) sits on its macvlan eth0 with a MAC other than eth0's 02:42:c0:a8:01:0a: frames go out, but the host's parent hands eth0 only frames for 02:42:c0:a8:01:0a, so no reply to mv1 ever arrives.",
    )
  })

  it('warns of the container\'s macvlan enslaved to a bridge inside it (VMs, taps behind it)', () => {
    const [result] = judge(containerStacking, inside([{ifindex: 6, name: 'br0', kind: 'bridge', mac: MAC, mtu: 1500, flags: ['UP'], operstate: 'UP', promiscuity: 0, linkType: 'ether'}], {...own, master: 'br0'}))
    expect(result?.message).toContain('Inside vm, eth0 is a port of the bridge br0, so 192.168.1.10 on eth0 itself receives nothing (the bridge takes every frame), and devices behind br0 with MACs of their own send out through it, but the host\'s parent hands eth0 only frames for 02:42:c0:a8:01:0a')
  })

  it.each(['container-bridge', 'container-bridge.docker-26.1'])('warns of the bridge built inside web in the lab (%s), and passes db', (name) => {
    const results = judge(containerStacking, fixture(name))
    expect(results.map((result) => [result.subject.container, result.outcome])).toEqual([
      ['db', 'pass'],
      ['web', 'warn'],
    ])
    expect(results[1]?.message).toMatch(/^Inside web, eth0 is a port of the bridge br0, so 192\.168\.77\.192 on eth0 itself receives nothing/)
  })

  it('passes a VLAN on the macvlan that keeps its MAC, and the lab containers', () => {
    expect(judge(containerStacking, inside([{ifindex: 7, name: 'eth0.5', kind: 'vlan', parent: 'eth0', mac: MAC, mtu: 1500, flags: ['UP'], operstate: 'UP', promiscuity: 0, linkType: 'ether'}]))[0]?.outcome).toBe('pass')
    expect(judge(containerStacking, fixture('healthy')).map((result) => result.outcome)).toEqual(['pass', 'pass'])
  })
})
