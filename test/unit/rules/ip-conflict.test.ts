import {describe, expect, it} from 'vitest'

import {evaluateRules} from '../../../src/engine/evaluate.js'
import {DEFAULT_SETTINGS} from '../../../src/engine/types.js'
import {hostIsolation} from '../../../src/rules/host-isolation.js'
import {ipConflict} from '../../../src/rules/ip-conflict.js'
import {bundleFixture, engineFixture, fixture} from '../../helpers/fixtures.js'
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

  const answeredThroughParent = (mac: string) => ({
    links: [{name: 'eth0', address: '192.168.1.10/24'}],
    routes: [{dst: '192.168.1.0/24', dev: 'eth0'}],
    networks: [{name: 'lan', parent: 'eth0', ipRange: '192.168.1.192/27'}],
    containers: [{name: 'web', network: 'lan', ip: '192.168.1.192', mac}],
    probes: [{purpose: 'host-to-container' as const, target: '192.168.1.192', network: 'lan', container: 'web', outcome: 'reply' as const, rttMs: 0.4}],
  })

  it('says a second Docker host shares the MAC too only when this container\'s MAC is the one Docker derives from the address (before 28.0)', () => {
    expect(judge(ipConflict, answeredThroughParent('02:42:c0:a8:01:c0'))[0]?.message).toContain(
      'another device on the LAN holds it (a second Docker host with the same range gives the same address, and, on an engine older than 28.0, the same MAC 02:42:c0:a8:01:c0 that this container got from its address)',
    )
  })

  it('does not expect a shared MAC from a second Docker host when this container\'s MAC is random (Engine 28.0 and newer)', () => {
    const message = judge(ipConflict, answeredThroughParent('9a:1e:57:3c:d2:0b'))[0]?.message
    expect(message).toContain('another device on the LAN holds it (a second Docker host with the same range gives the same address, with a MAC of its own)')
    expect(message).not.toContain('the same MAC')
  })

  it('on the lab (20.10, MACs derived from the address) says one MAC answering ARP cannot rule out a second Docker host of such an engine', () => {
    const bundle = bundleFixture('healthy')
    const [result] = evaluateRules([ipConflict], bundle, DEFAULT_SETTINGS, bundle.probes)
    expect(result?.outcome).toBe('pass')
    expect(result?.message).toContain(
      'The containers answered from the MACs Docker before 28.0 derives from their addresses (02:42 and the address): a second Docker host of such an engine with the same range would answer from the very same MAC, which ARP cannot tell apart.',
    )
  })

  it('passes a healthy Engine 28.0 host with random MACs, without doubting them', () => {
    const [result] = judge(ipConflict, engineFixture('healthy.docker-28.0'))
    expect(result?.outcome).toBe('pass')
    expect(result?.message).not.toContain('02:42')
  })
})
