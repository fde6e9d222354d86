import type {Finding, Rule} from '../engine/types.js'
import {recreateNetworkCommands} from '../remedy/network.js'
import {ipv4Pools} from '../model/host-model.js'
import {cidrContains, intervalText, overlapOf} from '../model/ip.js'
import {notApplicable} from './common.js'
import {saferLayout} from './addressing.js'
import {probeFacts, recordsFor} from './probe-evidence.js'

export const dhcpOverlap: Rule = {
  meta: {id: 'dhcp-overlap', code: 'MVD009', title: "Docker's range is outside the LAN's DHCP pool", severity: 'fail', requires: ['links', 'addresses', 'neighbours', 'networks', 'containers'], probes: ['dhcp-discover']},
  evaluate: ({model, settings, probes}) =>
    model.l2Networks().map((l2): Finding => {
      const subject = {network: l2.network.name, interface: l2.parent}
      const offers = recordsFor(probes, 'dhcp-discover').filter((record) => record.parent === l2.parent)
      const offered = offers.flatMap((record) => record.offers ?? [])
      const inRange = offered.filter((offer) => ipv4Pools(l2).some((pool) => cidrContains(pool.allocatable, offer.offered)))
      if (inRange.length > 0) {
        const pool = ipv4Pools(l2)[0]
        const layout = pool ? saferLayout(model, l2, pool, [...settings.dhcpRanges, ...offered.map((offer) => offer.offered)]) : undefined
        return {
          outcome: 'fail',
          subject,
          message: `Proven: the DHCP server ${inRange[0]?.server} offered ${inRange.map((offer) => offer.offered).join(', ')}, inside Docker's range ${ipv4Pools(l2).map((p) => p.allocatable).join(', ')}: a container and a LAN device will end up with the same address.`,
          evidence: {facts: {offers: offered, ...probeFacts(offers)}, commands: [...new Set(offers.map((record) => record.command))]},
          fix: layout
            ? {summary: `Move Docker's range out of the DHCP pool: --ip-range=${layout.ipRange} avoids every offer seen (check the router's pool bounds), or shrink the pool.`, commands: recreateNetworkCommands(model, l2, layout)}
            : {summary: "Shrink the router's DHCP pool, or recreate the network with an --ip-range outside it.", commands: []},
        }
      }
      if (settings.dhcpRanges.length === 0) {
        if (offered.length > 0) {
          return {
            outcome: 'pass',
            subject,
            message: `The DHCP server offered ${offered.map((offer) => offer.offered).join(', ')}, outside Docker's range (declare the whole pool with --dhcp-range, or sample more with --dhcp-samples, to be sure).`,
            evidence: {facts: {offers: offered, ...probeFacts(offers)}, commands: []},
          }
        }
        return notApplicable(subject, 'The LAN\'s DHCP pool is not known: no DHCP server answered the probe; declare it with --dhcp-range FIRST-LAST.')
      }
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
          ? {summary: `Recreate the network with --ip-range=${layout.ipRange}, outside the DHCP pool (or shrink the router's pool).`, commands: recreateNetworkCommands(model, l2, layout)}
          : {summary: "Shrink the router's DHCP pool, or recreate the network with an --ip-range outside it.", commands: []},
      }
    }),
}
