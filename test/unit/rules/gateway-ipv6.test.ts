import {describe, expect, it} from 'vitest'

import {evaluateRules} from '../../../src/engine/evaluate.js'
import {DEFAULT_SETTINGS} from '../../../src/engine/types.js'
import type {ProbeRecord} from '../../../src/probe/types.js'
import {gatewayIpv6} from '../../../src/rules/gateway-ipv6.js'
import type {Snapshot} from '../../../src/snapshot/types.js'
import {fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

const DUAL_STACK = {ipv6: {subnet: 'fd00:1::/64', gateway: 'fd00:1::1'}}
const eth0 = (...addresses: string[]) => [
  {ifname: 'eth0', family: 'inet' as const, local: '192.168.1.10', prefixlen: 24, scope: 'global'},
  ...addresses.map((local) => ({ifname: 'eth0', family: 'inet6' as const, local, prefixlen: 64, scope: 'global'})),
]
const conf = (overrides = {}) => ({eth0: {disableIpv6: false, acceptRa: 1, forwarding: false, ...overrides}})
const defaultVia = (gateway: string, protocol?: string) => ({table: 'main', type: 'unicast', dst: 'default', gateway, dev: 'eth0', ...(protocol ? {protocol} : {})})

/** ICMPv6 echo records from each container of `snapshot` to its IPv6 gateway, as the probe writes them. */
function echoes(snapshot: Snapshot, outcome: ProbeRecord['outcome'], l2: ProbeRecord['l2']): ProbeRecord[] {
  const containers = 'data' in snapshot.containers ? snapshot.containers.data : []
  return containers.map((container) => ({purpose: 'container-to-gateway6', kind: 'icmp', from: {namespace: container.name, interface: 'eth0'}, target: 'fd77::1', network: 'lan', container: container.name, outcome, l2, command: 'ping -n -c 1 -W 1 fd77::1'}))
}

const withProbes = (snapshot: Snapshot, records: ProbeRecord[]) => evaluateRules([gatewayIpv6], snapshot, DEFAULT_SETTINGS, {startedAt: 'test', durationMs: 0, timeoutMs: 1000, icmpEngine: 'ping', records, skipped: []})

describe('gateway-ipv6', () => {
  it.each(['ipv6-gateway-missing', 'ipv6-gateway-missing.docker-26.1'])('fails each container of the lab network whose IPv6 gateway nothing holds (%s), naming the gateway', (name) => {
    const snapshot = fixture(name)
    const results = withProbes(snapshot, echoes(snapshot, 'no-reply', 'unresolved'))
    expect(results.map((result) => [result.subject.container, result.outcome])).toEqual([
      ['db', 'fail'],
      ['web', 'fail'],
    ])
    expect(results[1]?.message).toBe(
      'web cannot reach its IPv6 gateway fd77::1: web → fd77::1: no reply (L2: neighbour discovery unresolved, no frame got an answer). Every IPv6 packet it sends off fd77::/64 is lost: nothing on the LAN holds fd77::1.',
    )
  })

  it.each(['dual-stack', 'dual-stack.docker-26.1'])('passes the lab network with a real IPv6 router (%s), with the echo as proof', (name) => {
    const snapshot = fixture(name)
    const results = withProbes(snapshot, echoes(snapshot, 'reply', 'resolved'))
    expect(results.map((result) => result.outcome)).toEqual(['pass', 'pass'])
    expect(results[1]?.message).toBe('web routes IPv6 via its gateway fd77::1. Proven: web → fd77::1: reply.')
  })

  it('leaves the gateway unproven, not failed, when something answers its neighbour solicitations but drops the echo', () => {
    const snapshot = fixture('dual-stack')
    const results = withProbes(snapshot, echoes(snapshot, 'no-reply', 'resolved').map((record) => ({...record, nextHopMac: '52:54:00:00:00:01'})))
    expect(results.map((result) => [result.outcome, result.skipKind])).toEqual([
      ['skip', 'missing-data'],
      ['skip', 'missing-data'],
    ])
    expect(results[1]?.message).toBe(
      'Not proven: web → fd77::1: no reply (L3: neighbour discovery resolved, but no ICMP reply), yet 52:54:00:00:00:01 answered its neighbour solicitations for fd77::1, so something holds the gateway\'s address and drops ICMPv6 echo. Whether it routes web\'s IPv6 is not proven either way.',
    )
  })

  it('says nothing about an IPv4-only network', () => {
    expect(judge(gatewayIpv6, fixture('healthy')).map((result) => [result.outcome, result.skipKind])).toEqual([['skip', 'not-applicable']])
  })

  it('fails from the facts alone when the container\'s own neighbour entry for the gateway failed', () => {
    const results = judge(gatewayIpv6, {
      networks: [{name: 'lan', parent: 'eth0', ...DUAL_STACK}],
      containers: [{name: 'web', network: 'lan', ip: '192.168.1.10', ip6: 'fd00:1::10'}],
      views: {web: {addresses: eth0('fd00:1::10'), routes: [defaultVia('fd00:1::1')], neighbours: [{dst: 'fd00:1::1', dev: 'eth0', state: ['FAILED']}], ipv6Conf: conf()}},
    })
    expect(results[0]?.outcome).toBe('fail')
    expect(results[0]?.message).toContain('its neighbour entry for fd00:1::1 is FAILED')
  })

  it('fails a container whose IPv6 is disabled on a dual-stack network', () => {
    const results = judge(gatewayIpv6, {
      networks: [{name: 'lan', parent: 'eth0', ...DUAL_STACK}],
      containers: [{name: 'web', network: 'lan', ip: '192.168.1.10', ip6: 'fd00:1::10'}],
      views: {web: {addresses: eth0(), routes: [], neighbours: [], ipv6Conf: conf({disableIpv6: true})}},
    })
    expect(results[0]?.outcome).toBe('fail')
    expect(results[0]?.message).toContain('net.ipv6.conf.eth0.disable_ipv6=1')
  })

  it('fails a container that routes IPv6 only through a router advertisement, not its gateway', () => {
    const results = judge(gatewayIpv6, {
      networks: [{name: 'lan', parent: 'eth0', ...DUAL_STACK}],
      containers: [{name: 'web', network: 'lan', ip: '192.168.1.10', ip6: 'fd00:1::10'}],
      views: {web: {addresses: eth0('fd00:1::10'), routes: [defaultVia('fe80::1', 'ra')], neighbours: [], ipv6Conf: conf()}},
    })
    expect(results[0]?.message).toBe('web has no IPv6 default route via its gateway fd00:1::1; it routes IPv6 via fe80::1 (learned from a router advertisement) instead.')
  })

  it('passes from the facts when no probe ran, and says the reachability was not probed when it could not be', () => {
    const host = {
      networks: [{name: 'lan', parent: 'eth0', ...DUAL_STACK}],
      containers: [{name: 'web', network: 'lan', ip: '192.168.1.10', ip6: 'fd00:1::10'}],
      views: {web: {addresses: eth0('fd00:1::10'), routes: [defaultVia('fd00:1::1')], neighbours: [], ipv6Conf: conf()}},
      probeSkips: [{probe: 'ping', reason: 'ping is not installed', purposes: ['container-to-gateway6' as const]}],
    }
    expect(judge(gatewayIpv6, host)[0]?.message).toBe('web routes IPv6 via its gateway fd00:1::1. Reachability not probed: ping is not installed.')
  })
})
