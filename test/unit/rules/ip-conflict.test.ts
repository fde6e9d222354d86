import {describe, expect, it} from 'vitest'

import {evaluateRules} from '../../../src/engine/evaluate.js'
import {DEFAULT_SETTINGS} from '../../../src/engine/types.js'
import {hostIsolation} from '../../../src/rules/host-isolation.js'
import {ipConflict} from '../../../src/rules/ip-conflict.js'
import type {HostExample} from '../../helpers/examples.js'
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

  it('does not count a network gateway or aux address as a conflict by itself, and passes nothing it did not probe', () => {
    const [result] = judge(ipConflict, fixture('healthy'))
    expect(result).toMatchObject({outcome: 'skip', skipKind: 'not-applicable'})
    expect(result?.message).toMatch(/^No address of this network is claimed twice as far as the host can see, but that is not proof for 192\.168\.77\.19\d/)
    expect(result?.message).toContain('no duplicate address detection ran (--no-probe, or a replayed snapshot)')
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

  it('on a lab bundle without duplicate address detection, one MAC answering ARP is no pass: a twin with the same MAC answers alike', () => {
    const bundle = bundleFixture('healthy')
    const [result] = evaluateRules([ipConflict], bundle, DEFAULT_SETTINGS, bundle.probes)
    expect(result).toMatchObject({outcome: 'skip', skipKind: 'not-applicable'})
    expect(result?.message).toContain('ARP from a throw-away MAC got one MAC per address, as it would from a twin with the same MAC too')
  })

  it('finds no conflict on a healthy Engine 28.0 host with random MACs, and claims nothing about address-derived MACs', () => {
    const [result] = judge(ipConflict, engineFixture('healthy.docker-28.0'))
    expect(['pass', 'skip']).toContain(result?.outcome)
    expect(result?.message).not.toContain('02:42')
  })
})

describe('ip-conflict: duplicate address detection', () => {
  const WEB_MAC = '02:42:c0:a8:01:c0'
  /** The host without a shim: a LAN with a gateway that answers the parent's own ARP. */
  const host = (probes: HostExample['probes'], extra: Partial<HostExample> = {}): HostExample => ({
    links: [{name: 'eth0', address: '192.168.1.10/24', mac: '52:54:00:00:00:01'}],
    routes: [{dst: '192.168.1.0/24', dev: 'eth0'}],
    networks: [{name: 'lan', parent: 'eth0', ipRange: '192.168.1.192/27'}],
    containers: [
      {name: 'web', network: 'lan', ip: '192.168.1.192', mac: WEB_MAC},
      {name: 'db', network: 'lan', ip: '192.168.1.193', mac: '02:42:c0:a8:01:c1'},
    ],
    probes,
    ...extra,
  })
  const gateway = {purpose: 'mac-filter-host' as const, kind: 'arp' as const, parent: 'eth0', target: '192.168.1.1', outcome: 'reply' as const, replies: [{mac: '52:54:00:00:00:fe'}]}
  const dad = (target: string, container: string, from: 'host' | 'inside', replies: string[] = []) => ({
    purpose: 'duplicate-address' as const,
    kind: 'arp' as const,
    from: from === 'host' ? {namespace: 'host', interface: 'eth0'} : {namespace: container, interface: 'eth0'},
    parent: 'eth0',
    network: 'lan',
    container,
    target,
    outcome: replies.length > 0 ? ('reply' as const) : ('no-reply' as const),
    replies: replies.map((mac) => ({mac})),
    sent: replies.length > 0 ? 1 : 2,
    command: `arping -D -c 2 -w 1 -I eth0 ${target}`,
  })
  const silent = [dad('192.168.1.192', 'web', 'host'), dad('192.168.1.192', 'web', 'inside'), dad('192.168.1.193', 'db', 'host'), dad('192.168.1.193', 'db', 'inside')]

  it('fails a twin with the container\'s own MAC that answers DAD from the parent, attributed to the container, and says how to find it', () => {
    const [result] = judge(ipConflict, host([gateway, dad('192.168.1.192', 'web', 'host', [WEB_MAC]), dad('192.168.1.192', 'web', 'inside'), ...silent.slice(2)]))
    expect(result?.outcome).toBe('fail')
    expect(result?.message).toContain(`192.168.1.192 (container web) is also held by ${WEB_MAC}: proven by duplicate address detection (ARP with sender 0.0.0.0) from eth0 (the host's own MAC, which the container never hears)`)
    expect(result?.message).toContain("that is web's own MAC, as a container of a second Docker host with the same range gets it")
    expect(result?.fix?.summary).toMatch(new RegExp(`^Find the other holder of the address by its MAC ${WEB_MAC}: .*A MAC that starts with 02:42: is a Docker container's: look for another Docker host on this LAN`))
    expect(result?.fix?.commands).toEqual(['docker network disconnect lan web', 'docker network connect --ip 192.168.1.223 lan web'])
  })

  it('fails a holder with another MAC that answers DAD from inside the container', () => {
    const [result] = judge(ipConflict, host([gateway, dad('192.168.1.192', 'web', 'host'), dad('192.168.1.192', 'web', 'inside', ['aa:bb:cc:dd:ee:01']), ...silent.slice(2)]))
    expect(result?.outcome).toBe('fail')
    expect(result?.message).toContain("192.168.1.192 (container web) is also held by aa:bb:cc:dd:ee:01: proven by duplicate address detection (ARP with sender 0.0.0.0) from inside container web's own namespace")
    expect(result?.fix?.summary).not.toContain('02:42:')
  })

  it('passes only what DAD proved: no answer from the parent, which the gateway shows reaches the LAN', () => {
    const [result] = judge(ipConflict, host([gateway, ...silent]))
    expect(result?.outcome).toBe('pass')
    expect(result?.message).toBe("Proven by duplicate address detection: no other device answered for 192.168.1.192 (web), 192.168.1.193 (db), asked 2 times each with sender 0.0.0.0 from eth0 (the host's own MAC, which the containers never hear, and the gateway answered it) and from inside each container.")
  })

  it('is not proven when nothing shows the parent reaches the LAN (the gateway did not answer it either)', () => {
    const [result] = judge(ipConflict, host([{...gateway, outcome: 'no-reply', replies: []}, ...silent]))
    expect(result).toMatchObject({outcome: 'skip', skipKind: 'missing-data'})
    expect(result?.message).toMatch(/^Not proven for 192\.168\.1\.192 \(web\), 192\.168\.1\.193 \(db\): nobody answered from eth0, but the gateway did not answer eth0's own ARP either/)
  })

  it('is not proven when DAD could not run, and says why', () => {
    const [result] = judge(ipConflict, host([gateway], {probeSkips: [{probe: 'arping', reason: 'arping is not installed', purposes: ['duplicate-address']}]}))
    expect(result).toMatchObject({outcome: 'skip', skipKind: 'missing-data'})
    expect(result?.message).toContain('not probed: arping is not installed')
  })

  it('is never a pass from ARP that no one answered, nor from one MAC answering (a twin with the same MAC answers alike)', () => {
    const owner = (target: string, replies: string[]) => ({purpose: 'address-owners' as const, kind: 'arp' as const, parent: 'eth0', network: 'lan', target, outcome: replies.length > 0 ? ('reply' as const) : ('no-reply' as const), replies: replies.map((mac) => ({mac}))})
    const [unanswered] = judge(ipConflict, host([gateway, owner('192.168.1.192', []), owner('192.168.1.193', [])]))
    expect(unanswered).toMatchObject({outcome: 'skip', skipKind: 'not-applicable'})
    expect(unanswered?.message).toContain('no ARP answer came at all, and no duplicate address detection ran')
    const [oneMac] = judge(ipConflict, host([gateway, owner('192.168.1.192', [WEB_MAC]), owner('192.168.1.193', ['02:42:c0:a8:01:c1'])]))
    expect(oneMac?.outcome).toBe('skip')
    expect(oneMac?.message).toContain('ARP from a throw-away MAC got one MAC per address, as it would from a twin with the same MAC too')
  })
})

describe('host-isolation never takes a reply that DAD shows another device may have given', () => {
  it('through a working shim: the reply from an address another device answers DAD for proves nothing', () => {
    const probes = [
      {purpose: 'host-to-container' as const, target: '192.168.1.192', network: 'lan', container: 'web', outcome: 'reply' as const, rttMs: 0.3},
      {purpose: 'duplicate-address' as const, kind: 'arp' as const, from: {namespace: 'host', interface: 'eth0'}, parent: 'eth0', network: 'lan', container: 'web', target: '192.168.1.192', outcome: 'reply' as const, replies: [{mac: 'aa:bb:cc:dd:ee:01'}]},
    ]
    const withShim: HostExample = {
      links: [{name: 'eth0', address: '192.168.1.10/24'}, {name: 'lan-shim', kind: 'macvlan', parent: 'eth0', mode: 'bridge', mac: '02:00:00:00:00:aa'}],
      addresses: {'lan-shim': ['192.168.1.223/32']},
      routes: [{dst: '192.168.1.0/24', dev: 'eth0'}, {dst: '192.168.1.192/27', dev: 'lan-shim'}],
      networks: [{name: 'lan', parent: 'eth0', ipRange: '192.168.1.192/27', aux: {shim: '192.168.1.223'}}],
      containers: [{name: 'web', network: 'lan', ip: '192.168.1.192', mac: '02:42:c0:a8:01:c0'}],
      probes,
    }
    const [result] = judge(hostIsolation, withShim)
    expect(result?.message).not.toMatch(/^Proven/)
    expect(result?.message).toContain('The replies from web (192.168.1.192) prove nothing: another device answers for that address too (see ip-conflict).')
  })
})

