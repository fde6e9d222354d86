/** Facts about a network's addressing that several rules weigh: who else lives on its subnet, and a range that avoids them. */
import type {HostModel, L2Network} from '../../model/host-model.js'
import type {NetworkChanges} from '../../remedy/docker-commands.js'
import {bareAddress, cidrContains, highestFreeAddress, intervalOf, overlapOf, parseCidr, suggestIpRange, type Interval} from '../../model/ip.js'
import type {IpamConfig} from '../../snapshot/types.js'

/** Addresses in `subnet` the host knows to be taken by something other than Docker: its own, the gateway, its ARP neighbours, the DHCP pools. */
export function lanOccupants(model: HostModel, l2: L2Network, subnet: string, dhcpRanges: string[]): Array<{what: string; interval: Interval}> {
  const occupants: Array<{what: string; interval: Interval}> = []
  const add = (what: string, text: string) => {
    const interval = intervalOf(text)
    if (interval) occupants.push({what, interval})
  }
  const onParent = new Set([l2.parent, ...(l2.parent ? model.hostMacvlansOn(l2.parent).map((link) => link.name) : [])])
  for (const address of model.data('addresses')) if (onParent.has(address.ifname) && cidrContains(subnet, address.local)) add(`the host's ${address.ifname} address`, address.local)
  for (const neighbour of model.data('neighbours')) if (onParent.has(neighbour.dev) && cidrContains(subnet, neighbour.dst) && neighbour.lladdr) add(`LAN device ${neighbour.lladdr}`, neighbour.dst)
  // Any pool that shares addresses with the subnet, also one that covers all of it.
  for (const pool of dhcpRanges) {
    const interval = intervalOf(pool)
    if (interval && overlapOf(subnet, pool)) occupants.push({what: `the DHCP pool ${pool}`, interval})
  }
  return occupants
}

/**
 * The changes that move `config` clear of the LAN's occupants and Docker's own gateway: an --ip-range large enough for
 * today's containers plus a shim, and the range's top address reserved for that shim unless one is reserved already.
 */
export function saferLayout(model: HostModel, l2: L2Network, config: IpamConfig, dhcpRanges: string[]): NetworkChanges | undefined {
  const avoid = lanOccupants(model, l2, config.subnet, dhcpRanges).map((occupant) => occupant.interval)
  const gateway = config.gateway ? intervalOf(config.gateway) : undefined
  if (gateway) avoid.push(gateway)
  const containers = model.endpointsOf(l2.network).filter(({endpoint}) => endpoint.ipv4 && cidrContains(config.subnet, bareAddress(endpoint.ipv4))).length
  const ipRange = suggestIpRange(config.subnet, avoid, containers + 2)
  if (!ipRange) return undefined
  if (Object.keys(config.auxAddresses).length > 0) return {ipRange}
  const broadcast = parseCidr(config.subnet)?.getLast().toString()
  const shim = highestFreeAddress(ipRange, new Set(broadcast ? [broadcast] : []), false)
  return shim ? {ipRange, aux: {shim}} : {ipRange}
}
