/**
 * Recreating a Docker network by hand, as steps that work when pasted: `docker network rm` leaves stopped containers
 * pointing at a network that no longer exists (`docker start` then fails "network … not found"), so every container
 * is detached first and attached again after, with the static addresses (and MACs) it had.
 */
import {shellLine} from '../model/commands.js'
import {MissingSlice, type HostModel, type L2Network} from '../model/host-model.js'
import {bareAddress, cidrContains} from '../model/ip.js'
import type {ContainerNetwork, DockerContainer} from '../snapshot/types.js'

/** What to change when recreating a network; everything else stays as it is. */
export interface NetworkChanges {
  /** Switching driver drops the old driver's mode option (ipvlan defaults to l2). */
  driver?: 'macvlan' | 'ipvlan'
  parent?: string
  mode?: string
  subnet?: string
  gateway?: string
  ipRange?: string
  aux?: Record<string, string>
}

interface Pool {
  subnet: string
  gateway?: string
  ipRange?: string
  aux: Record<string, string>
}

/** The network as it will be recreated: `l2` with `changes` applied (they apply to the first IPv4 pool, the LAN's). */
function recreated(l2: L2Network, changes: NetworkChanges): {driver: string; parent?: string; mode?: string; pools: Pool[]} {
  const driver = changes.driver ?? l2.driver
  const parent = changes.parent ?? l2.parent
  const mode = changes.mode ?? (driver === l2.driver ? l2.mode : undefined)
  const lan = l2.ipam.findIndex((candidate) => !candidate.subnet.includes(':'))
  const pools = l2.ipam.map((config, index): Pool => {
    const changed = index === lan
    const gateway = (changed && changes.gateway) || config.gateway
    const ipRange = (changed && changes.ipRange) || config.ipRange
    return {subnet: (changed && changes.subnet) || config.subnet, ...(gateway ? {gateway} : {}), ...(ipRange ? {ipRange} : {}), aux: {...config.auxAddresses, ...(changed ? changes.aux : {})}}
  })
  return {driver, ...(parent ? {parent} : {}), ...(mode && mode !== (driver === 'ipvlan' ? 'l2' : 'bridge') ? {mode} : {}), pools}
}

/** The `docker network create` line that recreates `l2` as it is, with `changes` applied. */
export function networkCreateCommand(l2: L2Network, changes: NetworkChanges = {}): string {
  const {driver, parent, mode, pools} = recreated(l2, changes)
  const words = ['docker', 'network', 'create', '-d', driver]
  if (parent) words.push('-o', `parent=${parent}`)
  if (mode) words.push('-o', `${driver}_mode=${mode}`)
  for (const pool of pools) {
    words.push(`--subnet=${pool.subnet}`)
    if (pool.gateway) words.push(`--gateway=${pool.gateway}`)
    if (pool.ipRange) words.push(`--ip-range=${pool.ipRange}`)
    for (const [name, address] of Object.entries(pool.aux)) words.push(`--aux-address=${name}=${address}`)
  }
  words.push(l2.network.name)
  return shellLine(words)
}

/** The same network as a compose file's `networks:` entry, as comment lines (values JSON-quoted: valid YAML, one line each). */
function composeFragment(l2: L2Network, changes: NetworkChanges): string[] {
  const {driver, parent, mode, pools} = recreated(l2, changes)
  const q = (value: string) => JSON.stringify(value)
  const options = [...(parent ? [`parent: ${q(parent)}`] : []), ...(mode ? [`${driver}_mode: ${q(mode)}`] : [])]
  const yaml = [
    'networks:',
    `  ${q(l2.network.name)}:`,
    `    name: ${q(l2.network.name)}`,
    `    driver: ${driver}`,
    ...(options.length > 0 ? ['    driver_opts:', ...options.map((line) => `      ${line}`)] : []),
    '    ipam:',
    '      config:',
    ...pools.flatMap((pool) => [
      `        - subnet: ${q(pool.subnet)}`,
      ...(pool.gateway ? [`          gateway: ${q(pool.gateway)}`] : []),
      ...(pool.ipRange ? [`          ip_range: ${q(pool.ipRange)}`] : []),
      ...(Object.keys(pool.aux).length > 0 ? ['          aux_addresses:', ...Object.entries(pool.aux).map(([name, address]) => `            ${q(name)}: ${q(address)}`)] : []),
    ]),
  ]
  return ['# Compose users: do not paste these lines; change the network in your compose file and run `docker compose up -d`:', ...yaml.map((line) => `#   ${line}`)]
}

/** `docker network connect` gained --mac-address in API 1.44 (Docker 25); before it, the container's own --mac-address comes back by itself. */
function connectTakesMac(model: HostModel): boolean {
  let apiVersion = ''
  try {
    apiVersion = model.data('docker').apiVersion
  } catch (error) {
    if (!(error instanceof MissingSlice)) throw error
  }
  const [major = 0, minor = 0] = apiVersion.split('.').map(Number)
  return major > 1 || (major === 1 && minor >= 44)
}

/** Attaching `container` again as it was: its static addresses (when the new subnet still holds them) and its MAC. */
function connectLine(l2: L2Network, changes: NetworkChanges, container: DockerContainer, endpoint: ContainerNetwork, withMac: boolean): string[] {
  const subnet = recreated(l2, changes).pools.find((pool) => !pool.subnet.includes(':'))?.subnet
  const words = ['docker', 'network', 'connect']
  const notes: string[] = []
  const ipv4 = endpoint.requestedIpv4 && bareAddress(endpoint.requestedIpv4)
  if (ipv4 && subnet && !cidrContains(subnet, ipv4)) notes.push(`# the static address ${ipv4} of ${JSON.stringify(container.name)} is outside the new subnet ${subnet}: add --ip with one inside it`)
  else if (ipv4) words.push('--ip', ipv4)
  if (endpoint.requestedIpv6) words.push('--ip6', bareAddress(endpoint.requestedIpv6))
  // A pinned address also pins the MAC Docker derived from it; a MAC asked for explicitly is kept as it was.
  const mac = container.requestedMac ?? (ipv4 ? endpoint.mac : undefined)
  if (withMac && mac) words.push('--mac-address', mac)
  return [...notes, shellLine([...words, l2.network.name, container.name])]
}

/**
 * The steps that recreate `l2` with `changes` and bring every container back: stop the running ones, detach all, remove
 * and create the network, attach each again with its static address and MAC, start the ones that were running.
 */
export function recreateNetworkCommands(model: HostModel, l2: L2Network, changes: NetworkChanges = {}): string[] {
  const endpoints = model.endpointsOf(l2.network)
  const running = endpoints.filter(({container}) => container.running).map(({container}) => container.name)
  const withMac = connectTakesMac(model)
  const name = l2.network.name
  return [
    ...composeFragment(l2, changes),
    ...(running.length > 0 ? [shellLine(['docker', 'stop', ...running])] : []),
    ...endpoints.map(({container}) => shellLine(['docker', 'network', 'disconnect', name, container.name])),
    shellLine(['docker', 'network', 'rm', name]),
    networkCreateCommand(l2, changes),
    ...endpoints.flatMap(({container, endpoint}) => connectLine(l2, changes, container, endpoint, withMac)),
    ...(running.length > 0 ? [shellLine(['docker', 'start', ...running])] : []),
  ]
}
