import type {Finding, Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import {recreateNetworkCommands} from '../remedy/docker-commands.js'
import {ipv4Pools} from '../model/host-model.js'
import {ipv4Text} from '../model/ip.js'
import {lanOccupants, saferLayout} from './support/addressing.js'
import {onEachParent} from './support/common.js'

export const noIpRange: Rule = {
  meta: {id: 'no-ip-range', code: 'MVD010', title: 'Docker allocates from a reserved --ip-range', severity: 'warn', requires: ['links', 'addresses', 'neighbours', 'networks', 'containers']},
  evaluate: ({model, settings}) =>
    onEachParent(model, (l2, parent) => {
      const subject = {network: l2.network.name, interface: parent.name}
      const unranged = ipv4Pools(l2).filter((pool) => !pool.ipRange)
      const shared = unranged.map((pool) => ({pool, occupants: lanOccupants(model, l2, pool.subnet, settings.dhcpRanges)})).filter(({occupants}) => occupants.length > 0)
      const evidence = {
        facts: {pools: ipv4Pools(l2).map((pool) => ({subnet: pool.subnet, ipRange: pool.ipRange})), lanOccupants: shared.flatMap(({occupants}) => occupants.map((o) => `${o.what}: ${ipv4Text(o.interval.first)}`))},
        commands: [sh`docker network inspect ${l2.network.name} --format '{{json .IPAM.Config}}'`, sh`ip neigh show dev ${parent.name}`],
      }
      if (shared.length === 0) {
        const message = unranged.length === 0 ? `Docker allocates only from ${ipv4Pools(l2).map((pool) => pool.ipRange).join(', ')}.` : 'No other device on the subnet is known to the host.'
        return {outcome: 'pass', subject, message, evidence} satisfies Finding
      }
      const [{pool, occupants}] = shared as [(typeof shared)[0], ...typeof shared]
      const layout = saferLayout(model, l2, pool, settings.dhcpRanges)
      return {
        outcome: 'warn',
        subject,
        message: `Network ${l2.network.name} has no --ip-range, so Docker hands out ${pool.subnet} from the bottom up, where the LAN already lives (${occupants.map((o) => o.what).slice(0, 4).join(', ')}): sooner or later a container takes a LAN device's address.`,
        evidence,
        fix: layout
          ? {summary: `Recreate the network with --ip-range=${layout.ipRange}, a block the host sees no one use (check it is outside your router's DHCP pool).`, commands: recreateNetworkCommands(model, l2, layout)}
          : {summary: 'Recreate the network with an --ip-range outside the router\'s DHCP pool and static addresses.', commands: []},
      } satisfies Finding
    }),
}
