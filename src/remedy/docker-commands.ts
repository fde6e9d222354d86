import {sh, shellLine} from '../exec/quote.js'
import type {HostModel, L2Network} from '../model/host-model.js'
import {bareAddress, cidrContains, isIPv6} from '../model/ip.js'
import type {ContainerNetwork, DockerContainer, IpamConfig} from '../snapshot/types.js'

/**
 * Recreating a network, as lines a person pastes. `docker network rm` needs every container detached, and a container
 * still attached to the removed network never starts again ("network … not found"). So: stop the running ones, detach
 * all, recreate the network, attach each again with the address it asked for, start those that ran, and announce their
 * addresses. Compose users get the compose file's networks: section instead.
 */
export function recreateNetworkCommands(model: HostModel, l2: L2Network, changes: NetworkChanges = {}): string[] {
  const name = l2.network.name
  const endpoints = model.endpointsOf(l2.network)
  const running = endpoints.filter(({container}) => container.running).map(({container}) => container.name)
  // An endpoint whose container is gone (a daemon that crashed mid-removal) only goes with --force.
  const stale = l2.network.endpoints.filter((endpoint) => !endpoints.some(({container}) => container.id === endpoint.containerId))
  const pools = recreatedPools(l2, changes)
  const subnet = pools.find((pool) => !isIPv6(pool.subnet))?.subnet
  return [
    ...composeFragment(l2, changes, pools),
    ...(endpoints.length > 0 ? [`# Without Compose: detach ${endpoints.length === 1 ? 'its container' : `its ${endpoints.length} containers`}, recreate the network, then attach each again with the address it had:`] : []),
    ...(running.length > 0 ? [shellLine(['docker', 'stop', ...running])] : []),
    ...endpoints.map(({container}) => sh`docker network disconnect ${name} ${container.name}`),
    ...stale.map((endpoint) => sh`docker network disconnect --force ${name} ${endpoint.name}`),
    shellLine(['docker', 'network', 'rm', name]),
    networkCreateCommand(l2, changes, pools),
    ...endpoints.flatMap(({container, endpoint}) => connectCommands(name, container, endpoint, pools)),
    // A network without a parent has no LAN to tell.
    ...(running.length > 0 ? [shellLine(['docker', 'start', ...running]), ...(driverOptions(l2, changes).parent ? announceCommands(running, subnet) : [])] : []),
  ]
}

/** The `docker network create` line that recreates `l2` as it is, with `changes` applied. */
export interface NetworkChanges {
  /** Switching driver drops the old driver's mode option (ipvlan defaults to l2). */
  driver?: 'macvlan' | 'ipvlan'
  parent?: string
  mode?: string
  subnet?: string
  gateway?: string
  ipRange?: string
  aux?: Record<string, string>
  /** `--internal`: no gateway, no route off the network. */
  internal?: boolean
  /** An IPv6 subnet for the network, replacing the one it has (Docker then takes its first address as the IPv6 gateway). */
  ipv6Subnet?: string
}

/** The network's pools once `changes` are applied: they apply to the first IPv4 pool, the one that lives on the LAN. */
function recreatedPools(l2: L2Network, changes: NetworkChanges): IpamConfig[] {
  const ipam = changes.ipv6Subnet ? [...l2.ipam.filter((config) => !isIPv6(config.subnet)), {subnet: changes.ipv6Subnet, auxAddresses: {}}] : l2.ipam
  const changed = ipam.findIndex((candidate) => !isIPv6(candidate.subnet))
  return ipam.map((config, index) => {
    if (index !== changed) return config
    const gateway = changes.gateway || config.gateway
    const ipRange = changes.ipRange || config.ipRange
    return {subnet: changes.subnet || config.subnet, ...(gateway ? {gateway} : {}), ...(ipRange ? {ipRange} : {}), auxAddresses: {...config.auxAddresses, ...changes.aux}}
  })
}

function driverOptions(l2: L2Network, changes: NetworkChanges): {driver: string; parent?: string; mode?: string} {
  const driver = changes.driver ?? l2.driver
  const parent = changes.parent ?? l2.parent
  const mode = changes.mode ?? (driver === l2.driver ? l2.mode : undefined)
  // The driver's default mode is left out, as `docker network create` would.
  return {driver, ...(parent ? {parent} : {}), ...(mode && mode !== (driver === 'ipvlan' ? 'l2' : 'bridge') ? {mode} : {})}
}

const hasIpv6 = (l2: L2Network, pools: IpamConfig[]) => l2.network.enableIPv6 || pools.some((pool) => isIPv6(pool.subnet))

function networkCreateCommand(l2: L2Network, changes: NetworkChanges, pools: IpamConfig[]): string {
  const {driver, parent, mode} = driverOptions(l2, changes)
  const words = ['docker', 'network', 'create', '-d', driver]
  if (changes.internal ?? l2.network.internal) words.push('--internal')
  if (parent) words.push('-o', `parent=${parent}`)
  if (mode) words.push('-o', `${driver}_mode=${mode}`)
  if (hasIpv6(l2, pools)) words.push('--ipv6')
  for (const pool of pools) {
    words.push(`--subnet=${pool.subnet}`)
    if (pool.gateway) words.push(`--gateway=${pool.gateway}`)
    if (pool.ipRange) words.push(`--ip-range=${pool.ipRange}`)
    for (const [name, address] of Object.entries(pool.auxAddresses)) words.push(`--aux-address=${name}=${address}`)
  }
  words.push(l2.network.name)
  return shellLine(words)
}

/** Docker's own choice of MAC for a macvlan endpoint on engines that derive it: 02:42 and the four bytes of the IPv4 address. */
function derivedMac(ipv4: string): string {
  return ['02', '42', ...bareAddress(ipv4).split('.').map((byte) => Number(byte).toString(16).padStart(2, '0'))].join(':')
}

/**
 * Attaching a container again: with `--ip`/`--ip6` only where it had asked for an address (Docker gives the others one
 * of the range, as it did before) and only while that address is still in the network's subnet.
 */
function connectCommands(network: string, container: DockerContainer, endpoint: ContainerNetwork, pools: IpamConfig[]): string[] {
  const words = ['docker', 'network', 'connect']
  const notes: string[] = []
  for (const [flag, requested] of [['--ip', endpoint.requestedIpv4], ['--ip6', endpoint.requestedIpv6]] as const) {
    if (!requested) continue
    if (pools.some((pool) => cidrContains(pool.subnet, requested))) words.push(flag, requested)
    else notes.push(`# ${yaml(container.name)}'s address ${requested} is not in the new subnet: Docker gives it one from the new range; change the address it is started with to match.`)
  }
  const mac = endpoint.mac ?? container.requestedMac
  if (mac && !(endpoint.ipv4 && mac === derivedMac(endpoint.ipv4))) {
    notes.push(`# ${yaml(container.name)} had the MAC ${mac}: docker network connect cannot set a MAC (moby/moby#48192), so it may come back with another; the announcement below tells the LAN.`)
  }
  return [...notes, shellLine([...words, network, container.name])]
}

/**
 * Engines before 28.0 send no gratuitous ARP when a container comes up, so the LAN keeps the MAC it last saw for the
 * address (for hours on some switches) until the container talks. From each container's own namespace, its address
 * on the network (found by the subnet, whatever Docker named the interface) is announced with arping -U.
 */
function announceCommands(containers: string[], subnet: string | undefined): string[] {
  if (!subnet) return []
  return [
    "# Engines before 28.0 announce no address: tell the LAN each container's MAC now, so no neighbour keeps an old one.",
    ...containers.map((name) => sh`nsenter -t "$(docker inspect -f '{{.State.Pid}}' ${name})" -n sh -c 'set -- $(ip -o -4 addr show to "$1") && arping -U -c 2 -I "$2" "\${4%/*}"' sh ${subnet}`),
  ]
}

/**
 * A YAML scalar: plain when it cannot be read as anything else, else JSON's double-quoted string, which YAML reads too.
 * Names in comment lines go through it as well: a line break in a name must not end the comment.
 */
const yaml = (value: string) => (/^[A-Za-z][\w.-]*$/.test(value) && !/^(true|false|yes|no|on|off|y|n|null)$/i.test(value) ? value : JSON.stringify(value))

/** The same network in a compose file, as comment lines: Compose recreates it, and its containers, from the file. */
function composeFragment(l2: L2Network, changes: NetworkChanges, pools: IpamConfig[]): string[] {
  const {driver, parent, mode} = driverOptions(l2, changes)
  const options = [...(parent ? [`parent: ${yaml(parent)}`] : []), ...(mode ? [`${driver}_mode: ${yaml(mode)}`] : [])]
  const lines = [
    'networks:',
    `  ${yaml(l2.network.name)}:`,
    `    name: ${yaml(l2.network.name)}`,
    `    driver: ${driver}`,
    ...(options.length > 0 ? ['    driver_opts:', ...options.map((option) => `      ${option}`)] : []),
    ...(hasIpv6(l2, pools) ? ['    enable_ipv6: true'] : []),
    ...((changes.internal ?? l2.network.internal) ? ['    internal: true'] : []),
    '    ipam:',
    '      config:',
    ...pools.flatMap((pool) => {
      const aux = Object.entries(pool.auxAddresses)
      return [
        `        - subnet: ${pool.subnet}`,
        ...(pool.gateway ? [`          gateway: ${pool.gateway}`] : []),
        ...(pool.ipRange ? [`          ip_range: ${pool.ipRange}`] : []),
        ...(aux.length > 0 ? ['          aux_addresses:', ...aux.map(([name, address]) => `            ${yaml(name)}: ${address}`)] : []),
      ]
    }),
  ]
  return [
    '# With Compose, do not run the lines below: change the networks: section of the compose file to this (services keep their ipv4_address and mac_address), then run docker compose down and docker compose up -d:',
    ...lines.map((line) => `#   ${line}`),
  ]
}
