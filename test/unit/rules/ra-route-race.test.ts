import {describe, expect, it} from 'vitest'

import {evaluateRules} from '../../../src/engine/evaluate.js'
import {DEFAULT_SETTINGS} from '../../../src/engine/types.js'
import type {ProbeRecord} from '../../../src/probe/types.js'
import {raRouteRace} from '../../../src/rules/ra-route-race.js'
import type {Snapshot} from '../../../src/snapshot/types.js'
import {fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

const ROUTER = '52:54:00:00:00:01'
const OTHER = '52:54:00:00:00:99'
const defaultVia = (gateway: string, protocol?: string) => ({table: 'main', type: 'unicast', dst: 'default', gateway, dev: 'eth0', ...(protocol ? {protocol} : {})})
const neighbour = (dst: string, lladdr: string) => ({dst, dev: 'eth0', lladdr, state: ['STALE']})
const host = (routes: ReturnType<typeof defaultVia>[], neighbours: ReturnType<typeof neighbour>[]) => ({
  networks: [{name: 'lan', parent: 'eth1', ipv6: {subnet: 'fd00:1::/64', gateway: 'fd00:1::1'}}],
  containers: [{name: 'web', network: 'lan', ip: '192.168.1.10', ip6: 'fd00:1::10'}],
  views: {web: {addresses: [{ifname: 'eth0', family: 'inet' as const, local: '192.168.1.10', prefixlen: 24, scope: 'global'}, {ifname: 'eth0', family: 'inet6' as const, local: 'fd00:1::10', prefixlen: 64, scope: 'global'}], routes, neighbours}},
})

/** The echo each container of `snapshot` got from its IPv6 gateway, resolved to `mac`, as the probe records it. */
function echoes(snapshot: Snapshot, mac: string): ProbeRecord[] {
  const containers = 'data' in snapshot.containers ? snapshot.containers.data : []
  return containers.map((container) => ({purpose: 'container-to-gateway6', kind: 'icmp', from: {namespace: container.name, interface: 'eth0'}, target: 'fd77::1', network: 'lan', container: container.name, outcome: 'reply', l2: 'resolved', nextHopMac: mac, command: 'ping -n -c 1 -W 1 fd77::1'}))
}

describe('ra-route-race', () => {
  it.each(['dual-stack', 'dual-stack.docker-26.1'])('passes the lab containers (%s) whose advertised route leads to the router the echo to the gateway resolved', (name) => {
    const snapshot = fixture(name)
    const router = JSON.stringify(snapshot).match(/"lladdr":"([0-9a-f:]+)"/)?.[1] ?? ''
    const results = evaluateRules([raRouteRace], snapshot, DEFAULT_SETTINGS, {startedAt: 'test', durationMs: 0, timeoutMs: 1000, icmpEngine: 'ping', records: echoes(snapshot, router), skipped: []})
    expect(results.map((result) => result.outcome)).toEqual(['pass', 'pass'])
    expect(results[1]?.message).toMatch(new RegExp(`^web's two IPv6 default routes lead to the same router \\(${router}\\): Docker's via fd77::1 and the one its advertisements gave, via fe80::`))
  })

  it('leaves the question open without a probe or neighbour entry for the gateway, and never passes it', () => {
    expect(judge(raRouteRace, fixture('dual-stack')).map((result) => [result.outcome, result.skipKind])).toEqual([
      ['skip', 'missing-data'],
      ['skip', 'missing-data'],
    ])
  })

  it('warns about two default routes through different routers, naming both', () => {
    const [result] = judge(raRouteRace, host([defaultVia('fd00:1::1'), defaultVia('fe80::99', 'ra')], [neighbour('fd00:1::1', ROUTER), neighbour('fe80::99', OTHER)]))
    expect(result?.outcome).toBe('warn')
    expect(result?.message).toBe(
      `web has two IPv6 default routes through different routers: Docker's via fd00:1::1 (${ROUTER}) and one learned from the advertisements of fe80::99 (${OTHER}). The kernel may send its IPv6 through either, so replies can come back another way than they left, and firewalls drop them.`,
    )
    expect(result?.fix?.commands).toEqual(['docker run --sysctl net.ipv6.conf.eth0.accept_ra=0 --network lan …'])
  })

  it('fails when only another router\'s advertised route is left, and warns when the advertising router is the gateway', () => {
    const [other] = judge(raRouteRace, host([defaultVia('fe80::99', 'ra')], [neighbour('fd00:1::1', ROUTER), neighbour('fe80::99', OTHER)]))
    expect(other?.outcome).toBe('fail')
    expect(other?.message).toBe(`web has no IPv6 default route via its gateway fd00:1::1, only one learned from router advertisements, via fe80::99 (${OTHER}), a router other than fd00:1::1 (${ROUTER}): Docker's route lost the race to the advertised one, and web's IPv6 lasts only as long as the advertisements come.`)
    const [same] = judge(raRouteRace, host([defaultVia('fe80::1', 'ra')], [neighbour('fd00:1::1', ROUTER), neighbour('fe80::1', ROUTER)]))
    expect(same?.outcome).toBe('warn')
    expect(same?.message).toContain(`via fe80::1 (${ROUTER}), the router that holds fd00:1::1: Docker's route lost the race`)
  })

  it('passes a container with Docker\'s route alone, and says nothing about an IPv4-only network', () => {
    expect(judge(raRouteRace, host([defaultVia('fd00:1::1')], []))[0]?.message).toBe("web's only IPv6 default route is Docker's, via fd00:1::1: no router advertisement added another.")
    expect(judge(raRouteRace, fixture('healthy')).map((result) => result.skipKind)).toEqual(['not-applicable'])
  })
})
