import {existsSync} from 'node:fs'

import {cidrContains, isIPv6} from './ip.js'
import type {
  Address,
  CollectError,
  ContainerNetwork,
  ContainerView,
  DockerContainer,
  DockerEngine,
  DockerNetwork,
  IpamConfig,
  Link,
  Route,
  SliceData,
  SliceName,
  Snapshot,
  SysfsLink,
} from '../snapshot/types.js'

const SHIM_NAME = /shim|^mac|vhost/i

/** Named like a host shim (`lan-shim`, `macvlan0`, `vhost0`): a host macvlan that someone meant as the host's way in. */
export const namedLikeShim = (name: string): boolean => SHIM_NAME.test(name)

/** Thrown when a rule reads a slice that was not collected; the engine turns it into a `skip`. */
export class MissingSlice extends Error {
  constructor(
    readonly slice: SliceName,
    readonly reason: string,
  ) {
    super(`${slice} was not collected: ${reason}`)
  }
}

/** A Docker macvlan/ipvlan network with its config-only template (swarm `--config-from`) resolved. */
export interface L2Network {
  network: DockerNetwork
  driver: string
  /** `undefined` when no parent was given: Docker then uses an internal dummy link. */
  parent?: string
  /** macvlan: bridge (default), private, vepa, passthru; ipvlan: l2 (default), l3, l3s. */
  mode: string
  ipam: IpamConfig[]
}

/** `networks` as L2 networks, each with its config-only template (swarm `--config-from`) resolved. */
export function l2NetworksOf(networks: DockerNetwork[]): L2Network[] {
  return networks
    .filter((network) => !network.configOnly)
    .map((network) => {
      const template = network.configFrom ? networks.find((n) => n.name === network.configFrom || n.id === network.configFrom) : undefined
      const options = {...template?.options, ...network.options}
      const ipam = network.ipam.config.length > 0 ? network.ipam.config : (template?.ipam.config ?? [])
      const defaultMode = network.driver === 'ipvlan' ? 'l2' : 'bridge'
      const l2: L2Network = {network, driver: network.driver, mode: options.macvlan_mode || options.ipvlan_mode || defaultMode, ipam}
      if (options.parent) l2.parent = options.parent
      return l2
    })
}

/**
 * How long a restarted container must stay up before its silence can mean anything: Docker's restart manager treats a
 * run of 10 s as a successful start (it then resets its back-off), and a probe round fits well inside it.
 */
const STEADY_AFTER_MS = 10_000

/** Read-only views over a snapshot that several rules need. */
export class HostModel {
  constructor(readonly snapshot: Snapshot) {}

  data<K extends SliceName>(name: K): SliceData<K> {
    const slice = this.snapshot[name]
    if (!slice) throw new MissingSlice(name, 'this snapshot was taken by an older macvlan-doctor, which did not collect it')
    if ('error' in slice) throw new MissingSlice(name, slice.error.message)
    return slice.data as SliceData<K>
  }

  /** The Docker engine, or undefined when it was not collected: version-specific judgements are then left out. */
  engine(): DockerEngine | undefined {
    try {
      return this.data('docker')
    } catch (error) {
      if (error instanceof MissingSlice) return undefined
      throw error
    }
  }

  link(name: string): Link | undefined {
    return this.data('links').find((link) => link.name === name)
  }

  linkByIndex(ifindex: number): Link | undefined {
    return this.data('links').find((link) => link.ifindex === ifindex)
  }

  sysfs(name: string): SysfsLink | undefined {
    return this.data('sysfs')[name]
  }

  addressesOf(ifname: string, family: Address['family'] = 'inet'): Address[] {
    return this.data('addresses').filter((address) => address.ifname === ifname && address.family === family)
  }

  /** Docker networks that put endpoints straight on a host link; config-only templates are not networks of their own. */
  l2Networks(): L2Network[] {
    return l2NetworksOf(this.data('networks'))
  }

  macvlanNetworks(): L2Network[] {
    return this.l2Networks().filter((l2) => l2.driver === 'macvlan')
  }

  containersOn(network: DockerNetwork): DockerContainer[] {
    return this.data('containers').filter((container) => container.networks.some((n) => n.networkId === network.id || n.name === network.name))
  }

  containerNames(network: DockerNetwork): string[] {
    return this.containersOn(network).map((container) => container.name)
  }

  /** Each container attached to `network`, with its endpoint settings on that network. */
  endpointsOf(network: DockerNetwork): Array<{container: DockerContainer; endpoint: ContainerNetwork}> {
    return this.containersOn(network).flatMap((container) => {
      const endpoint = container.networks.find((n) => n.networkId === network.id || n.name === network.name)
      return endpoint ? [{container, endpoint}] : []
    })
  }

  /** Host-side macvlan links on `parent`: shims, and anything else that puts a MAC on it. */
  hostMacvlansOn(parent: string): Link[] {
    return this.data('links').filter((link) => link.kind === 'macvlan' && link.parent === parent)
  }

  /** Host macvlans on `parent` that someone meant as a shim: they carry an address or a route, or are named like one. */
  shimsOn(parent: string): Link[] {
    const routes = this.data('routes')
    return this.hostMacvlansOn(parent).filter(
      (link) => this.addressesOf(link.name).length > 0 || routes.some((route) => route.dev === link.name && route.table === 'main' && !route.dst.includes(':')) || namedLikeShim(link.name),
    )
  }

  /** The main-table IPv4 route the kernel would pick for `address` (longest prefix, then lowest metric). */
  routeTo(address: string): Route | undefined {
    const candidates = this.data('routes').filter((route) => route.table === 'main' && route.type === 'unicast' && !isIPv6(route.dst === 'default' ? '0.0.0.0' : route.dst))
    const matching = candidates.filter((route) => route.dst === 'default' || cidrContains(route.dst, address))
    const prefix = (route: Route) => (route.dst === 'default' ? 0 : Number(route.dst.split('/')[1] ?? 32))
    return matching.sort((a, b) => prefix(b) - prefix(a) || (a.metric ?? 0) - (b.metric ?? 0))[0]
  }

  containerView(container: DockerContainer): ContainerView | undefined {
    const slice = this.data('containerViews')[container.id]
    return slice && 'data' in slice ? slice.data : undefined
  }

  /** Why a running container's own view could not be collected (it needs root, it stopped mid-run), if it could not. */
  containerViewError(container: DockerContainer): CollectError | undefined {
    const slice = this.data('containerViews')[container.id]
    return slice && 'error' in slice ? slice.error : undefined
  }

  /**
   * Why `container` is not running steadily enough to be probed (restarting, paused, still starting by its health check,
   * or up only moments after a restart), judged at the snapshot's collection time; undefined when it is steady. A first
   * run is steady from the start: Docker wires its network before the process starts.
   */
  unsteadyReason(container: DockerContainer): string | undefined {
    const restarts = container.restartCount ? ` (restarted ${container.restartCount} times)` : ''
    if (container.status === 'restarting') return `${container.name} is restarting${restarts}`
    if (container.status === 'paused') return `${container.name} is paused`
    if (container.health === 'starting') return `${container.name} is still starting (health: starting)`
    const upMs = container.startedAt ? Date.parse(this.snapshot.collectedAt) - Date.parse(container.startedAt) : Number.NaN
    if (container.restartCount && upMs < STEADY_AFTER_MS) {
      return `${container.name} was restarted ${container.restartCount} times, the last ${Math.max(0, Math.round(upMs / 1000))} s before this run: it has not stayed up`
    }
    return undefined
  }
}


/** The IPv4 pools of a network, each with what Docker may allocate from it. */
export function ipv4Pools(l2: L2Network): Array<IpamConfig & {allocatable: string}> {
  return l2.ipam.filter((config) => !isIPv6(config.subnet)).map((config) => ({...config, allocatable: config.ipRange ?? config.subnet}))
}

/** The IPv6 pools of a network (`--ipv6 --subnet fd…`): none on an IPv4-only network. */
export function ipv6Pools(l2: L2Network): IpamConfig[] {
  return l2.ipam.filter((config) => isIPv6(config.subnet))
}

/** Distinct parent names of `networks`, in network order (several networks may share one parent). */
export function parentNames(networks: L2Network[]): string[] {
  return [...new Set(networks.flatMap((l2) => (l2.parent ? [l2.parent] : [])))]
}

/**
 * The namespace path to enter: Docker's bind-mounted sandbox when it exists here (in the container image it is in
 * the host's mount namespace, out of sight), else the task's /proc entry. Only a live run enters namespaces.
 */
export function namespacePathOf(container: DockerContainer): string {
  return container.sandboxKey && existsSync(container.sandboxKey) ? container.sandboxKey : `/proc/${container.pid}/ns/net`
}
