import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {parseAddresses, parseFdb, parseLinks, parseRoutes} from '../../src/collect/parse-iproute.js'
import {parseContainers, parseEngine, parseNetworks} from '../../src/collect/parse-docker.js'
import {parseIpv6Conf} from '../../src/collect/parse-sysctl.js'
import {raw} from '../helpers/fixtures.js'

describe('iproute2 parsers on output captured in the lab', () => {
  it('reads the parent, the shim and its macvlan mode from ip -j -d link', () => {
    const links = parseLinks(raw('healthy/ip-link.json'))
    const eth1 = links.find((link) => link.name === 'eth1')
    const shim = links.find((link) => link.name === 'lan-shim')
    expect(eth1).toMatchObject({kind: 'veth', operstate: 'UP', mtu: 1500})
    expect(eth1?.flags).toEqual(expect.arrayContaining(['UP', 'LOWER_UP']))
    expect(shim).toMatchObject({kind: 'macvlan', mode: 'bridge', parent: 'eth1'})
  })

  it('flattens ip -j addr into one entry per address', () => {
    const addresses = parseAddresses(raw('healthy/ip-addr.json'))
    expect(addresses).toContainEqual({ifname: 'eth1', family: 'inet', local: '192.168.77.2', prefixlen: 24, scope: 'global'})
    expect(addresses).toContainEqual(expect.objectContaining({ifname: 'lan-shim', local: '192.168.77.223', prefixlen: 32}))
  })

  it('puts routes without a table field in main and keeps the local table apart', () => {
    const routes = parseRoutes(raw('healthy/ip-route.json'))
    expect(routes).toContainEqual(expect.objectContaining({table: 'main', dst: '192.168.77.192/27', dev: 'lan-shim'}))
    expect(routes).toContainEqual(expect.objectContaining({table: 'main', dst: 'default', gateway: '192.168.77.1', dev: 'eth1'}))
    expect(routes.filter((route) => route.table === 'local').length).toBeGreaterThan(0)
  })

  it('lists the macvlan children MACs as self entries of the parent in bridge fdb', () => {
    const fdb = parseFdb(raw('healthy/bridge-fdb.json'))
    const containers = parseContainers(raw('healthy/docker-inspect.json'))
    const selfOnParent = fdb.filter((entry) => entry.ifname === 'eth1' && entry.flags.includes('self')).map((entry) => entry.mac)
    for (const container of containers) expect(selfOnParent).toContain(container.networks[0]?.mac)
  })

  it('sees the container eth0 as a macvlan whose lower link is in another namespace', () => {
    const links = parseLinks(raw('healthy/container-ip-addr.json'))
    expect(links.find((link) => link.name === 'eth0')).toMatchObject({kind: 'macvlan', mode: 'bridge', linkNetnsId: 0, parentIndex: 2})
  })

  it('rejects output that is not an array', () => {
    expect(() => parseLinks({ifname: 'eth0'})).toThrow(/expected a JSON array/)
  })
})

describe('docker parsers on output captured in the lab', () => {
  it('reads IPAM with ip-range and aux addresses, and the endpoints', () => {
    const [network] = parseNetworks(raw('healthy/docker-network-inspect.json'))
    expect(network).toMatchObject({name: 'lan', driver: 'macvlan', options: {parent: 'eth1'}, configOnly: false, scope: 'local'})
    expect(network?.ipam.config).toEqual([{subnet: '192.168.77.0/24', gateway: '192.168.77.1', ipRange: '192.168.77.192/27', auxAddresses: {shim: '192.168.77.223'}}])
    expect(network?.endpoints.map((endpoint) => endpoint.name)).toEqual(['db', 'web'])
  })

  it('keeps what says whether a container runs steadily: start time, restarts, health', () => {
    const [container] = parseContainers([
      {Id: 'c1', Name: '/flaky', State: {Status: 'running', Running: true, Restarting: false, Pid: 77, StartedAt: '2026-01-01T00:00:00.123456789Z', Health: {Status: 'starting'}}, RestartCount: 4, NetworkSettings: {Networks: {}}},
    ])
    expect(container).toMatchObject({startedAt: '2026-01-01T00:00:00.123456789Z', restartCount: 4, health: 'starting'})
    // A container never started has the zero time, which is no start at all.
    const [created] = parseContainers([{Id: 'c2', Name: '/new', State: {Status: 'created', StartedAt: '0001-01-01T00:00:00Z'}, RestartCount: 0}])
    expect(created?.startedAt).toBeUndefined()
  })

  it('keeps state, pid, sandbox and per-network addresses but never Env, Cmd or label values', () => {
    const containers = parseContainers(raw('healthy/docker-inspect.json'))
    expect(containers.map((container) => container.name).sort()).toEqual(['db', 'web'])
    expect(containers[0]).toMatchObject({status: 'running', running: true})
    expect(containers[0]?.pid).toBeGreaterThan(0)
    expect(containers[0]?.networks[0]).toMatchObject({name: 'lan'})
    expect(containers[0]?.networks[0]?.ipv4).toMatch(/^192\.168\.77\.19[23]$/)
    const text = JSON.stringify(containers)
    expect(text).not.toMatch(/PATH=|\/bin\/sleep|"Env"|"Cmd"/)
  })

  it('recognises rootless mode and Docker Desktop from docker info', () => {
    expect(parseEngine({}, {SecurityOptions: ['name=seccomp,profile=builtin', 'name=rootless']}).rootless).toBe(true)
    expect(parseEngine({}, {OperatingSystem: 'Docker Desktop'}).desktop).toBe(true)
  })
})

describe('IPv6 inside a container on a dual-stack lab network', () => {
  it('keeps the flags that tell a SLAAC address from the one Docker set', () => {
    const addresses = parseAddresses(raw('dual-stack/container-ip-addr.json')).filter((address) => address.family === 'inet6' && address.scope === 'global')
    expect(addresses).toEqual([
      expect.objectContaining({ifname: 'eth0', local: 'fd77::42:c0ff:fea8:4dc0', flags: ['dynamic', 'mngtmpaddr']}),
      expect.objectContaining({ifname: 'eth0', local: 'fd77::2', flags: ['nodad']}),
    ])
  })

  it('tells the default route a router advertisement installed from the one Docker set', () => {
    const defaults = parseRoutes(raw('dual-stack/container-ip-route.json')).filter((route) => route.dst === 'default' && route.gateway?.includes(':'))
    expect(defaults.map((route) => [route.gateway, route.protocol])).toEqual([
      ['fd77::1', undefined],
      [expect.stringMatching(/^fe80::/), 'ra'],
    ])
  })

  it('reads the IPv6 settings per interface (engine 20.10 disables IPv6 on all but the network link)', () => {
    const conf = parseIpv6Conf(readFileSync(new URL('../../fixtures/raw/dual-stack/container-ipv6-conf.txt', import.meta.url), 'utf8'))
    expect(conf.eth0).toEqual({disableIpv6: false, acceptRa: 1, forwarding: false})
    expect(conf.all).toEqual({disableIpv6: true, acceptRa: 1, forwarding: false})
    expect(parseIpv6Conf('')).toEqual({})
  })
})
