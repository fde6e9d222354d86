/** Small snapshots for rule tests: `snapshot().withParent('eth0').withMacvlanNetwork({…}).build()`. */
import {
  SNAPSHOT_SCHEMA_VERSION,
  type Address,
  type ContainerView,
  type DockerContainer,
  type DockerEngine,
  type DockerNetwork,
  type FdbEntry,
  type HostInfo,
  type Ipv6Conf,
  type NetConfig,
  type Link,
  type Route,
  type Snapshot,
  type SysfsLink,
} from '../../src/snapshot/types.js'

const EMPTY_HOST: HostInfo = {
  hostname: 'node1',
  kernel: '6.1.0-18-amd64',
  virtualization: {type: 'none', source: 'test'},
  networkManagers: [],
  privileges: {uid: 0, capNetAdmin: true, capNetRaw: true},
  tools: {ip: true, bridge: true, nsenter: true, docker: true, ping: true, arping: true},
}

export class SnapshotBuilder {
  private readonly value: Snapshot = {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    tool: {name: 'macvlan-doctor', version: 'test'},
    collectedAt: '2026-01-01T00:00:00.000Z',
    command: ['macvlan', 'collect'],
    redacted: false,
    host: {data: EMPTY_HOST},
    links: {data: [{ifindex: 1, name: 'lo', mtu: 65536, flags: ['LOOPBACK', 'UP', 'LOWER_UP'], operstate: 'UNKNOWN', promiscuity: 0, linkType: 'loopback'}]},
    addresses: {data: []},
    routes: {data: []},
    neighbours: {data: []},
    fdb: {data: []},
    bridgePorts: {data: []},
    sysfs: {data: {}},
    netConfig: {data: {networkd: {}, networkManager: [], mentions: {}, boot: {}}},
    docker: {data: {serverVersion: '27.5.1', apiVersion: '1.47', os: 'linux', operatingSystem: 'Debian GNU/Linux 12 (bookworm)', rootless: false, desktop: false, swarm: 'inactive'}},
    networks: {data: []},
    containers: {data: []},
    containerViews: {data: {}},
    ipv6Conf: {data: {}},
  }

  private list<K extends 'links' | 'addresses' | 'routes' | 'networks' | 'containers'>(name: K): NonNullable<Extract<Snapshot[K], {data: unknown}>['data']> {
    const slice = this.value[name]
    if (!('data' in slice)) throw new Error(`${name} was set to fail`)
    return slice.data as never
  }

  /** A physical-looking NIC, up with carrier, optionally with the host's address on it. */
  withParent(name: string, overrides: Partial<Link> & {address?: string} = {}): this {
    const {address, ...link} = overrides
    const links = this.list('links')
    links.push({ifindex: links.length + 1, name, mac: '52:54:00:12:34:56', mtu: 1500, flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], operstate: 'UP', promiscuity: 0, linkType: 'ether', ...link})
    if (address) {
      const [local, prefix] = address.split('/')
      this.list('addresses').push({ifname: name, family: 'inet', local: local ?? '', prefixlen: Number(prefix ?? 24), scope: 'global'} satisfies Address)
    }
    return this
  }

  withRoute(route: Partial<Route> & {dst: string}): this {
    this.list('routes').push({table: 'main', type: 'unicast', ...route})
    return this
  }

  withMacvlanNetwork(
    network: {name: string; parent?: string; subnet?: string; /** '' for none */ gateway?: string; ipRange?: string; mode?: string; aux?: Record<string, string>; /** A second, IPv6, pool (`--ipv6`). */ ipv6?: {subnet: string; gateway?: string}} & Partial<DockerNetwork>,
  ): this {
    const {name, parent, subnet = '192.168.1.0/24', gateway = '192.168.1.1', ipRange, mode, aux = {}, ipv6, ...rest} = network
    const options: Record<string, string> = {}
    if (parent) options.parent = parent
    if (mode) options.macvlan_mode = mode
    this.list('networks').push({
      id: `id-${name}`,
      name,
      driver: 'macvlan',
      scope: 'local',
      internal: false,
      enableIPv6: ipv6 !== undefined,
      configOnly: false,
      options,
      ipam: {
        driver: 'default',
        config: [{subnet, ...(gateway ? {gateway} : {}), ...(ipRange ? {ipRange} : {}), auxAddresses: aux}, ...(ipv6 ? [{subnet: ipv6.subnet, ...(ipv6.gateway ? {gateway: ipv6.gateway} : {}), auxAddresses: {}}] : [])],
      },
      labelKeys: [],
      endpoints: [],
      ...rest,
    })
    return this
  }

  withContainer(name: string, network: string, overrides: Partial<DockerContainer> & {ip?: string; mac?: string; /** Its IPv6 address on a dual-stack network. */ ip6?: string} = {}): this {
    const {ip, mac, ip6, ...container} = overrides
    this.list('containers').push({
      id: `cid-${name}`,
      name,
      status: 'running',
      running: true,
      pid: 4242,
      networks: [{name: network, networkId: `id-${network}`, ...(ip ? {ipv4: ip, prefixlen: 24} : {}), ...(ip6 ? {ipv6: ip6} : {}), ...(mac ? {mac} : {})}],
      publishedPorts: [],
      ...container,
    })
    return this
  }

  withHost(host: Partial<HostInfo>): this {
    this.value.host = {data: {...EMPTY_HOST, ...host}}
    return this
  }

  withDocker(engine: Partial<DockerEngine>): this {
    const current = this.value.docker
    if ('data' in current) this.value.docker = {data: {...current.data, ...engine}}
    return this
  }

  withSysfs(name: string, link: Partial<SysfsLink>): this {
    const sysfs = this.value.sysfs
    if ('data' in sysfs) sysfs.data[name] = {wireless: false, carrier: 1, speedMbps: 1000, bondSlave: false, bridgePort: false, ...link}
    return this
  }

  withNetConfig(config: Partial<NetConfig>): this {
    const current = this.value.netConfig
    if ('data' in current) this.value.netConfig = {data: {...current.data, ...config}}
    return this
  }

  /** The host's IPv6 settings of `ifname` (`all` for the host-wide ones); unset ones are the kernel's defaults. */
  withIpv6Conf(ifname: string, conf: Partial<Ipv6Conf>): this {
    const current = this.value.ipv6Conf && 'data' in this.value.ipv6Conf ? this.value.ipv6Conf.data : {}
    this.value.ipv6Conf = {data: {...current, [ifname]: {disableIpv6: false, acceptRa: 1, forwarding: false, ...current[ifname], ...conf}}}
    return this
  }

  withFdb(entries: FdbEntry[]): this {
    const fdb = this.value.fdb
    if ('data' in fdb) fdb.data.push(...entries)
    return this
  }

  withAddress(ifname: string, cidr: string): this {
    const [local, prefix] = cidr.split('/')
    this.list('addresses').push({ifname, family: local?.includes(':') ? 'inet6' : 'inet', local: local ?? '', prefixlen: Number(prefix ?? 32), scope: 'global'})
    return this
  }

  /** What `ip` shows inside a container (by name) that was added with withContainer. */
  withView(containerName: string, view: Partial<ContainerView>): this {
    const container = this.list('containers').find((candidate) => candidate.name === containerName)
    const views = this.value.containerViews
    if (!container || !('data' in views)) throw new Error(`no container ${containerName}`)
    views.data[container.id] = {data: {links: [], addresses: [], routes: [], neighbours: [], ...view}}
    return this
  }

  failing(slice: keyof Omit<Snapshot, 'schemaVersion' | 'tool' | 'collectedAt' | 'command' | 'redacted' | 'origin'>, code = 'docker-unreachable', message = 'the Docker daemon is not reachable'): this {
    ;(this.value as unknown as Record<string, unknown>)[slice] = {error: {code, message}}
    return this
  }

  build(): Snapshot {
    return structuredClone(this.value)
  }
}

export const snapshot = () => new SnapshotBuilder()
