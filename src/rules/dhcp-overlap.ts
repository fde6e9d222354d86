import type {Finding, Rule} from '../engine/types.js'
import {recreateNetworkCommands} from '../model/commands.js'
import {ipv4Pools} from '../model/host-model.js'
import {intervalText, overlapOf} from '../model/ip.js'
import {notApplicable} from './common.js'
import {saferLayout} from './addressing.js'

export const dhcpOverlap: Rule = {
  meta: {id: 'dhcp-overlap', code: 'MVD009', title: "Docker's range is outside the LAN's DHCP pool", severity: 'fail', requires: ['links', 'addresses', 'neighbours', 'networks', 'containers']},
  evaluate: ({model, settings}) =>
    model.l2Networks().map((l2): Finding => {
      const subject = {network: l2.network.name, interface: l2.parent}
      if (settings.dhcpRanges.length === 0) return notApplicable(subject, 'The LAN\'s DHCP pool is not known: declare it with --dhcp-range FIRST-LAST (the DHCP probe finds it).')
      const overlaps = ipv4Pools(l2).flatMap((pool) =>
        settings.dhcpRanges.flatMap((dhcp) => {
          const shared = overlapOf(pool.allocatable, dhcp)
          return shared ? [{pool, dhcp, shared}] : []
        }),
      )
      const evidence = {facts: {allocatable: ipv4Pools(l2).map((pool) => pool.allocatable), dhcpPools: settings.dhcpRanges}, commands: [`docker network inspect ${l2.network.name} --format '{{json .IPAM.Config}}'`]}
      if (overlaps.length === 0) return {outcome: 'pass', subject, message: `Docker's range ${ipv4Pools(l2).map((pool) => pool.allocatable).join(', ')} stays clear of the DHCP pool ${settings.dhcpRanges.join(', ')}.`, evidence}
      const [first] = overlaps as [(typeof overlaps)[0]]
      const layout = saferLayout(model, l2, first.pool, settings.dhcpRanges)
      return {
        outcome: 'fail',
        subject,
        message: `Docker may hand out ${intervalText(first.shared)}, which the LAN's DHCP server also leases (pool ${first.dhcp}): a container and a LAN device will end up with the same address.`,
        evidence,
        fix: layout
          ? {summary: `Recreate the network with --ip-range=${layout.ipRange}, outside the DHCP pool (or shrink the router's pool).`, commands: recreateNetworkCommands(l2, model.containerNames(l2.network), layout)}
          : {summary: "Shrink the router's DHCP pool, or recreate the network with an --ip-range outside it.", commands: []},
      }
    }),
}
