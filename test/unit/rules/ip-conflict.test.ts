import {describe, expect, it} from 'vitest'

import {hostIsolation} from '../../../src/rules/host-isolation.js'
import {ipConflict} from '../../../src/rules/ip-conflict.js'
import {fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

describe('ip-conflict', () => {
  it('fails the lab container that Docker gave the host address (no ip-range), and moves it to a free one', () => {
    const [result] = judge(ipConflict, fixture('no-ip-range'))
    expect(result?.outcome).toBe('fail')
    expect(result?.message).toContain('192.168.77.2 is claimed by container web and the host (eth1)')
    expect(result?.fix?.commands).toEqual(['docker network disconnect lan web', 'docker network connect --ip 192.168.77.254 lan web'])
  })

  it('fails when the ARP cache maps a container address to another MAC', () => {
    const built = fixture('healthy')
    const web = 'data' in built.containers ? built.containers.data.find((container) => container.name === 'web') : undefined
    const ip = web?.networks[0]?.ipv4 ?? ''
    if ('data' in built.neighbours) built.neighbours.data.push({dst: ip, dev: 'eth1', lladdr: 'aa:bb:cc:00:11:22', state: ['REACHABLE']})
    const [result] = judge(ipConflict, built)
    expect(result?.message).toContain(`${ip} answers ARP from aa:bb:cc:00:11:22`)
  })

  it('does not count a network gateway or aux address as a conflict by itself', () => {
    expect(judge(ipConflict, fixture('healthy'))[0]?.outcome).toBe('pass')
  })

  it('fails two containers with one address across two networks on one parent', () => {
    const host = {
      links: [{name: 'eth0'}],
      networks: [
        {name: 'a', parent: 'eth0', ipRange: '192.168.1.192/27'},
        {name: 'b', parent: 'eth0', ipRange: '192.168.1.192/28'},
      ],
      containers: [
        {name: 'one', network: 'a', ip: '192.168.1.192'},
        {name: 'two', network: 'b', ip: '192.168.1.192'},
      ],
    }
    expect(judge(ipConflict, host).map((result) => result.outcome)).toEqual(['fail', 'fail'])
  })

  it('fails a container address that answered the host through the parent itself: its own link never does, so another device holds it', () => {
    const host = {
      links: [{name: 'eth0', address: '192.168.1.10/24'}],
      routes: [{dst: '192.168.1.0/24', dev: 'eth0'}],
      networks: [{name: 'lan', parent: 'eth0', ipRange: '192.168.1.192/27'}],
      containers: [{name: 'web', network: 'lan', ip: '192.168.1.192', mac: '02:42:c0:a8:01:c0'}],
      probes: [{purpose: 'host-to-container' as const, target: '192.168.1.192', network: 'lan', container: 'web', outcome: 'reply' as const, rttMs: 0.4}],
    }
    const [result] = judge(ipConflict, host)
    expect(result?.outcome).toBe('fail')
    expect(result?.message).toContain("192.168.1.192 (container web) answered the host's ping through eth0 itself, which the container's own link never does")
    const [isolation] = judge(hostIsolation, host)
    expect(isolation?.outcome).toBe('warn')
    expect(isolation?.message).toContain('but through eth0 itself, which the container\'s own link never answers: another device holds 192.168.1.192')
  })
})
