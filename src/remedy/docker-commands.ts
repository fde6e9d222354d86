import {shellLine} from '../exec/quote.js'
import type {L2Network} from '../model/host-model.js'

/** Recreating a network detaches its containers: stop them, remove it, create it again. */
export function recreateNetworkCommands(l2: L2Network, containers: string[], changes: NetworkChanges = {}): string[] {
  return [
    ...(containers.length > 0 ? [shellLine(['docker', 'stop', ...containers])] : []),
    shellLine(['docker', 'network', 'rm', l2.network.name]),
    networkCreateCommand(l2, changes),
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
  /** An IPv6 subnet for the network, replacing the one it has (Docker then takes its first address as the IPv6 gateway). */
  ipv6Subnet?: string
}

function networkCreateCommand(l2: L2Network, changes: NetworkChanges = {}): string {
  const driver = changes.driver ?? l2.driver
  const words = ['docker', 'network', 'create', '-d', driver]
  const parent = changes.parent ?? l2.parent
  if (parent) words.push('-o', `parent=${parent}`)
  const mode = changes.mode ?? (driver === l2.driver ? l2.mode : undefined)
  if (mode && mode !== (driver === 'ipvlan' ? 'l2' : 'bridge')) words.push('-o', `${driver}_mode=${mode}`)
  const ipam = changes.ipv6Subnet ? [...l2.ipam.filter((config) => !config.subnet.includes(':')), {subnet: changes.ipv6Subnet, auxAddresses: {}}] : l2.ipam
  if (l2.network.enableIPv6 || ipam.some((config) => config.subnet.includes(':'))) words.push('--ipv6')
  ipam.forEach((config, index) => {
    // Changes apply to the first IPv4 pool: the one that lives on the LAN.
    const changed = index === ipam.findIndex((candidate) => !candidate.subnet.includes(':'))
    words.push(`--subnet=${(changed && changes.subnet) || config.subnet}`)
    const gateway = (changed && changes.gateway) || config.gateway
    if (gateway) words.push(`--gateway=${gateway}`)
    const ipRange = (changed && changes.ipRange) || config.ipRange
    if (ipRange) words.push(`--ip-range=${ipRange}`)
    const aux = {...config.auxAddresses, ...(changed ? changes.aux : {})}
    for (const [name, address] of Object.entries(aux)) words.push(`--aux-address=${name}=${address}`)
  })
  words.push(l2.network.name)
  return shellLine(words)
}
