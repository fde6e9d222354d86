/**
 * A probe says one of four things: answered, silent, errored, or nothing because it was not sent. Rules judge only the
 * first two: an errored or unsent probe is a question that was not asked, never a failure and never a pass.
 */
import {describe, expect, it} from 'vitest'

import {evaluateRules} from '../../../src/engine/evaluate.js'
import {overallStatus} from '../../../src/engine/status.js'
import {DEFAULT_SETTINGS, type Rule} from '../../../src/engine/types.js'
import type {ProbePurpose, ProbeSkip} from '../../../src/probe/types.js'
import {containerRoute} from '../../../src/rules/container-route.js'
import {dhcpOverlap} from '../../../src/rules/dhcp-overlap.js'
import {dhcpServers} from '../../../src/rules/dhcp-servers.js'
import {hostIsolation} from '../../../src/rules/host-isolation.js'
import {ipConflict} from '../../../src/rules/ip-conflict.js'
import {macFiltered} from '../../../src/rules/mac-filtered.js'
import {RULES} from '../../../src/rules/index.js'
import {PERSISTED_SHIM_CONFIG, probesOf, snapshotOf, type HostExample} from '../../helpers/examples.js'
import {judge} from '../../helpers/judge.js'

const view = (ip: string) => ({
  addresses: [{ifname: 'eth0', family: 'inet' as const, local: ip, prefixlen: 24, scope: 'global'}],
  routes: [{table: 'main', type: 'unicast', dst: 'default', gateway: '192.168.1.1', dev: 'eth0'}],
})

/** A healthy host: a shim routed to the range, two containers that route via the gateway. */
const HOST: HostExample = {
  links: [{name: 'eth0', address: '192.168.1.10/24'}, {name: 'lan-shim', kind: 'macvlan', parent: 'eth0', mode: 'bridge', mac: '02:00:00:00:00:aa'}],
  addresses: {'lan-shim': ['192.168.1.223/32']},
  routes: [
    {dst: '192.168.1.0/24', dev: 'eth0'},
    {dst: '192.168.1.192/27', dev: 'lan-shim'},
  ],
  networks: [{name: 'lan', parent: 'eth0', ipRange: '192.168.1.192/27', aux: {shim: '192.168.1.223'}}],
  containers: [
    {name: 'web', network: 'lan', ip: '192.168.1.192', mac: '02:42:c0:a8:01:c0'},
    {name: 'db', network: 'lan', ip: '192.168.1.193', mac: '02:42:c0:a8:01:c1'},
  ],
  views: {web: view('192.168.1.192'), db: view('192.168.1.193')},
  netConfig: PERSISTED_SHIM_CONFIG,
}

const SCRATCH: ProbePurpose[] = ['mac-filter-host', 'mac-filter-scratch', 'address-owners', 'dhcp-discover']
const CONTAINERS: ProbePurpose[] = ['container-to-gateway', 'container-to-host', 'container-to-peer']
const noArping: ProbeSkip = {probe: 'arping', reason: 'arping is not installed', hint: 'Install iputils-arping.', purposes: SCRATCH}
const notRoot: ProbeSkip = {probe: 'namespaces', reason: 'entering namespaces needs root', hint: 'Run as root (sudo macvlan doctor).', purposes: [...CONTAINERS, ...SCRATCH]}

const gatewayArp = {purpose: 'mac-filter-host' as const, kind: 'arp' as const, parent: 'eth0', target: '192.168.1.1', outcome: 'reply' as const, replies: [{mac: 'aa:aa:aa:aa:aa:aa'}], from: {namespace: 'host', interface: 'eth0'}}
const scratchArp = {purpose: 'mac-filter-scratch' as const, kind: 'arp' as const, parent: 'eth0', target: '192.168.1.1', from: {namespace: 'probe', interface: 'mvdp1', mac: '02:00:00:00:00:01'}}
const discover = {purpose: 'dhcp-discover' as const, kind: 'dhcp' as const, parent: 'eth0', target: '255.255.255.255:67'}

const one = (rule: Rule, host: HostExample) => {
  const results = judge(rule, host)
  expect(results).toHaveLength(1)
  return results[0]
}

describe('mac-filtered judges only answers', () => {
  it('is not failed by a throw-away ARP probe that errored: the question was not asked', () => {
    const result = one(macFiltered, {...HOST, probes: [gatewayArp, {...scratchArp, outcome: 'error', detail: 'exec of "sh" failed'}]})
    expect(result).toMatchObject({outcome: 'skip', skipKind: 'missing-data', subject: {interface: 'eth0'}})
    expect(result?.message).toContain('exec of "sh" failed')
  })

  it('says which probe did not run and why, instead of passing on a guess', () => {
    const result = one(macFiltered, {...HOST, probeSkips: [noArping]})
    expect(result).toMatchObject({outcome: 'skip', skipKind: 'missing-data'})
    expect(result?.message).toContain('arping is not installed')
  })

  it('keeps the platform warning on a VM whose probe did not run, and says the probe did not run', () => {
    const result = one(macFiltered, {...HOST, host: {virtualization: {type: 'oracle', source: 'systemd-detect-virt'}}, probeSkips: [noArping]})
    expect(result?.outcome).toBe('warn')
    expect(result?.message).toContain('arping is not installed')
  })

  it('still proves both ways from answers and silence', () => {
    expect(one(macFiltered, {...HOST, probes: [gatewayArp, {...scratchArp, outcome: 'no-reply'}]})?.outcome).toBe('fail')
    expect(one(macFiltered, {...HOST, probes: [gatewayArp, {...scratchArp, outcome: 'reply', replies: [{mac: 'aa:aa:aa:aa:aa:aa'}]}]})?.outcome).toBe('pass')
  })
})

describe('dhcp-servers judges only answers', () => {
  it('does not pass "no DHCP server answered" when the probe timed out', () => {
    const result = one(dhcpServers, {...HOST, probes: [{...discover, outcome: 'error', detail: 'timed out after 7000 ms', offers: []}]})
    expect(result).toMatchObject({outcome: 'skip', skipKind: 'missing-data', subject: {interface: 'eth0'}})
    expect(result?.message).toContain('timed out after 7000 ms')
  })

  it('reports a DHCP probe that could not be sent as a question not asked, not as "nothing to check"', () => {
    const result = one(dhcpServers, {...HOST, probeSkips: [noArping]})
    expect(result).toMatchObject({outcome: 'skip', skipKind: 'missing-data'})
    expect(result?.message).toContain('arping is not installed')
  })

  it('passes a DHCP probe that was silent: no server at all is not two', () => {
    expect(one(dhcpServers, {...HOST, probes: [{...discover, outcome: 'no-reply', offers: []}]})).toMatchObject({outcome: 'pass', message: 'No DHCP server answered on eth0.'})
  })
})

describe('dhcp-overlap judges only answers', () => {
  it('does not say "no DHCP server answered" when the probe errored', () => {
    const result = one(dhcpOverlap, {...HOST, probes: [{...discover, outcome: 'error', detail: 'timed out after 7000 ms', offers: []}]})
    expect(result).toMatchObject({outcome: 'skip', skipKind: 'missing-data'})
    expect(result?.message).toContain('timed out after 7000 ms')
  })

  it('says the DHCP probe could not run without root, and the status is unknown', () => {
    const result = one(dhcpOverlap, {...HOST, probeSkips: [notRoot]})
    expect(result).toMatchObject({outcome: 'skip', skipKind: 'missing-data'})
    expect(result?.message).toContain('entering namespaces needs root')
  })

  it('without probes (--no-probe, replay) does not claim that a server was silent', () => {
    const result = one(dhcpOverlap, HOST)
    expect(result).toMatchObject({outcome: 'skip', skipKind: 'not-applicable'})
    expect(result?.message).not.toContain('answered')
  })

  it('reads a silent DHCP probe as no pool to overlap', () => {
    expect(one(dhcpOverlap, {...HOST, probes: [{...discover, outcome: 'no-reply', offers: []}]})?.message).toContain('no DHCP server answered')
  })
})

describe('container-route judges only answers', () => {
  const toGateway = {purpose: 'container-to-gateway' as const, network: 'lan', target: '192.168.1.1'}

  it('is not failed by a ping that could not be sent ("connect: Network is unreachable" is ping exiting 2)', () => {
    const results = judge(containerRoute, {
      ...HOST,
      probes: [
        {...toGateway, container: 'web', outcome: 'error', detail: 'ping: connect: Network is unreachable'},
        {...toGateway, container: 'db', outcome: 'reply', rttMs: 0.2},
      ],
    })
    expect(results.map((result) => result.outcome)).not.toContain('fail')
    const web = results.find((result) => result.subject.container === 'web')
    expect(web?.message).not.toMatch(/Proven/)
    expect(web?.message).toContain('Network is unreachable')
  })

  it('reports a container whose own view needs root as not checked, not as "nothing to check"', () => {
    const snapshot = snapshotOf(HOST)
    if (!('data' in snapshot.containerViews)) throw new Error('views')
    for (const id of Object.keys(snapshot.containerViews.data)) {
      snapshot.containerViews.data[id] = {error: {code: 'permission-denied', message: "entering web's network namespace needs root", hint: 'Run as root (sudo macvlan doctor).'}}
    }
    const results = evaluateRules([containerRoute], snapshot, DEFAULT_SETTINGS, probesOf({probeSkips: [notRoot]}))
    expect(results.map((result) => [result.outcome, result.skipKind])).toEqual([
      ['skip', 'missing-data'],
      ['skip', 'missing-data'],
    ])
    expect(results[0]?.message).toContain('needs root')
    expect(overallStatus(results)).toBe('unknown')
  })

  it('says what it could not probe when the container probes did not run', () => {
    const results = judge(containerRoute, {...HOST, probeSkips: [{probe: 'ping', reason: 'ping is not installed', hint: 'Install iputils-ping.', purposes: CONTAINERS}]})
    expect(results.map((result) => result.outcome)).toEqual(['pass', 'pass'])
    expect(results[0]?.message).toContain('not probed: ping is not installed')
  })

  it('judges nothing from a container that is restarting, and says so (not a verdict on the LAN)', () => {
    const results = judge(containerRoute, {
      ...HOST,
      containers: [{name: 'web', network: 'lan', ip: '192.168.1.192', status: 'restarting', running: true, pid: 0, restartCount: 12}],
      views: {},
      probes: [{purpose: 'container-to-gateway', network: 'lan', container: 'web', target: '192.168.1.1', outcome: 'no-reply', l2: 'unresolved'}],
    })
    expect(results).toMatchObject([{outcome: 'skip', skipKind: 'missing-data', subject: {container: 'web'}}])
    expect(results[0]?.message).toContain('web is restarting (restarted 12 times)')
  })

  it('reports a stopped container as not applicable, by name', () => {
    const results = judge(containerRoute, {...HOST, containers: [{name: 'web', network: 'lan', ip: '192.168.1.192', running: false, pid: 0, status: 'exited'}], views: {}})
    expect(results).toMatchObject([{outcome: 'skip', skipKind: 'not-applicable', subject: {container: 'web'}}])
    expect(results[0]?.message).toContain('web is not running (exited)')
  })
})

describe('host-isolation judges only answers', () => {
  const toWeb = {purpose: 'host-to-container' as const, network: 'lan', container: 'web', target: '192.168.1.192'}
  const toDb = {purpose: 'host-to-container' as const, network: 'lan', container: 'db', target: '192.168.1.193'}

  it('is not failed by a host ping that errored', () => {
    const result = one(hostIsolation, {...HOST, probes: [{...toWeb, outcome: 'error', detail: 'ping: sendmsg: Operation not permitted'}, {...toDb, outcome: 'reply', rttMs: 0.1}]})
    expect(result?.outcome).toBe('pass')
    expect(result?.message).toContain('Operation not permitted')
    expect(result?.message).not.toMatch(/reached db, web|reached web/)
  })

  it('says the pings did not run instead of implying they were never needed', () => {
    const result = one(hostIsolation, {...HOST, probeSkips: [{probe: 'ping', reason: 'ping is not installed', purposes: ['host-to-container', 'host-to-gateway']}]})
    expect(result?.outcome).toBe('pass')
    expect(result?.message).toContain('not probed: ping is not installed')
  })
})

describe('ip-conflict claims only what answered', () => {
  const owner = (target: string, outcome: 'reply' | 'no-reply' | 'error', extra = {}) => ({purpose: 'address-owners' as const, kind: 'arp' as const, network: 'lan', parent: 'eth0', target, outcome, ...extra})

  it('proves nothing from ARP that got no answer at all: not a pass', () => {
    const result = one(ipConflict, {...HOST, probes: [owner('192.168.1.192', 'no-reply'), owner('192.168.1.193', 'no-reply'), owner('192.168.1.223', 'no-reply')]})
    expect(result?.outcome).toBe('skip')
    expect(result?.message).not.toMatch(/Proven/)
    expect(result?.message).toContain('no ARP answer came at all')
  })

  it('is not proven by an ARP probe that errored, and names it', () => {
    const result = one(ipConflict, {
      ...HOST,
      probes: [owner('192.168.1.192', 'reply', {replies: [{mac: '02:42:c0:a8:01:c0'}]}), owner('192.168.1.193', 'error', {detail: 'exec of "sh" failed'}), owner('192.168.1.223', 'no-reply')],
      probeSkips: [{...noArping, purposes: ['duplicate-address']}],
    })
    expect(result).toMatchObject({outcome: 'skip', skipKind: 'missing-data'})
    expect(result?.message).toContain('not probed: arping is not installed')
  })

  it('says the ARP probe did not run', () => {
    expect(one(ipConflict, {...HOST, probeSkips: [{...noArping, purposes: [...SCRATCH, 'duplicate-address']}]})?.message).toContain('not probed: arping is not installed')
  })
})

describe('a host probed without root (Docker reachable)', () => {
  it('is unknown, not ok or warn: the container and DHCP questions were not asked', () => {
    const snapshot = snapshotOf({...HOST, host: {privileges: {uid: 1000, capNetAdmin: false, capNetRaw: false}}})
    if (!('data' in snapshot.containerViews)) throw new Error('views')
    for (const id of Object.keys(snapshot.containerViews.data)) snapshot.containerViews.data[id] = {error: {code: 'permission-denied', message: 'entering the namespace needs root'}}
    const probes = probesOf({
      probes: [
        {purpose: 'host-to-container', network: 'lan', container: 'web', target: '192.168.1.192', outcome: 'reply'},
        {purpose: 'host-to-container', network: 'lan', container: 'db', target: '192.168.1.193', outcome: 'reply'},
      ],
      probeSkips: [notRoot, {probe: 'scratch', reason: 'a throw-away macvlan needs CAP_NET_ADMIN', purposes: SCRATCH}],
    })
    const checks = evaluateRules(RULES, snapshot, DEFAULT_SETTINGS, probes)
    expect(overallStatus(checks)).toBe('unknown')
    for (const id of ['container-route', 'dhcp-overlap', 'dhcp-servers', 'mac-filtered']) {
      expect(checks.filter((check) => check.id === id).map((check) => check.skipKind), id).toContain('missing-data')
    }
  })
})
