import type {Finding, Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import {recreateNetworkCommands} from '../remedy/docker-commands.js'
import {ipv4Pools} from '../model/host-model.js'
import {cidrContains, parseCidr} from '../model/ip.js'
import {probeFacts, recordsFor} from './support/probe-evidence.js'

/** The router the host itself uses on `subnet`, if its default route goes there. */
function hostRouter(routes: Array<{table: string; dst: string; gateway?: string}>, subnet: string): string | undefined {
  return routes.find((route) => route.table === 'main' && route.dst === 'default' && route.gateway && cidrContains(subnet, route.gateway))?.gateway
}

export const gatewayMissing: Rule = {
  meta: {
    id: 'gateway-missing',
    code: 'MVD029',
    title: 'Containers have the LAN router as gateway',
    severity: 'warn',
    requires: ['routes', 'networks', 'containers', 'docker'],
    probes: ['mac-filter-host', 'host-to-gateway'],
    // Apart from a gateway off the subnet, only the silence is explained upstream: a gateway that is not set, or is not the host's router, is configuration.
    causedBy: [
      {id: 'gateway-outside-subnet', on: 'network'},
      {id: 'parent-down', on: 'network', explains: ['gateway-silent']},
      {id: 'vlan-parent', on: 'network', explains: ['gateway-silent']},
      {id: 'subnet-mismatch', on: 'network', when: ['foreign-subnet'], explains: ['gateway-silent']},
    ],
  },
  evaluate: ({model, probes}) =>
    model.l2Networks().flatMap((l2) =>
      ipv4Pools(l2)
        .filter(() => !l2.network.internal)
        .map((pool): Finding => {
          const subject = {network: l2.network.name}
          const router = hostRouter(model.data('routes'), pool.subnet)
          const {apiVersion} = model.data('docker')
          // The host's own ARP for the gateway on the parent: with no answer, nothing holds that address on the LAN, unless
          // the host's ping got through (a device that ignores ARP probes from 0.0.0.0 still answers the kernel's own ARP).
          const arp = recordsFor(probes, 'mac-filter-host').find((record) => record.parent === l2.parent && record.target === pool.gateway && record.outcome !== 'error')
          const ping = recordsFor(probes, 'host-to-gateway', {network: l2.network.name, target: pool.gateway})
          const silent = arp?.outcome === 'no-reply' && !ping.some((record) => record.outcome === 'reply' || record.l2 === 'resolved')
          const evidence = {
            facts: {subnet: pool.subnet, gateway: pool.gateway, hostRouter: router, apiVersion, ...(arp ? probeFacts([arp, ...ping]) : {})},
            commands: [sh`docker network inspect ${l2.network.name} --format '{{json .IPAM.Config}}'`, 'ip route show default', ...(arp ? [arp.command] : [])],
          }
          const fixWith = (gateway: string) => recreateNetworkCommands(model, l2, {gateway})
          if (!pool.gateway) {
            const firstHost = parseCidr(pool.subnet)?.getFirst().nextIPNumber().toString()
            const newer = Number.parseFloat(apiVersion) >= 1.52
            return {
              outcome: 'warn',
              subject,
              message: newer
                ? `No --gateway on ${pool.subnet}: from Engine 29 (API 1.52) Docker then gives containers no default route, so they reach nothing off the subnet, external DNS names included (Docker's resolver asks the upstream servers from inside the container).`
                : `No --gateway on ${pool.subnet}: Docker picks ${firstHost}, which is not necessarily your router${router ? ` (the host uses ${router})` : ''}; Engine 29 and newer give no default route at all.`,
              evidence,
              symptoms: ['no-gateway'],
              fix: router ? {summary: `Recreate the network with --gateway=${router}.`, commands: fixWith(router)} : {summary: "Recreate the network with --gateway set to the LAN router's address.", commands: []},
            }
          }
          if (silent) {
            return {
              outcome: 'fail',
              subject,
              message: `Nothing answers at the gateway ${pool.gateway}: the host's ARP for it on ${l2.parent} got no reply${ping.length > 0 ? ', nor did its ping' : ''}, so containers on ${l2.network.name} reach nothing off their subnet${router && router !== pool.gateway ? ` (the host's router on ${pool.subnet} is ${router})` : ''}.`,
              evidence,
              symptoms: ['gateway-silent'],
              fix: router && router !== pool.gateway
                ? {summary: `Recreate the network with --gateway=${router}.`, commands: fixWith(router)}
                : {summary: `Recreate the network with --gateway set to the LAN router's address (or bring the router at ${pool.gateway} back).`, commands: []},
            }
          }
          if (router && router !== pool.gateway) {
            const answers = arp?.outcome === 'reply'
            return {
              outcome: 'warn',
              subject,
              message: answers
                ? `Containers use ${pool.gateway} as gateway, but the host's router on ${pool.subnet} is ${router}. ${pool.gateway} answers ARP, so it may be a second router on purpose; if it is not a router, containers reach nothing off the subnet.`
                : `Containers use ${pool.gateway} as gateway, but the host's router on ${pool.subnet} is ${router}: if ${pool.gateway} is not a router, containers reach nothing off the subnet.`,
              evidence,
              symptoms: [answers ? 'other-router-answers' : 'other-router'],
              fix: {summary: `Recreate the network with --gateway=${router} (unless ${pool.gateway} is a second router on purpose).`, commands: fixWith(router)},
            }
          }
          return {outcome: 'pass', subject, message: `Gateway ${pool.gateway}${router ? ' is the router the host uses too' : ' is set'}${arp?.outcome === 'reply' ? ` and answers ARP on ${l2.parent}` : ''}.`, evidence}
        }),
    ),
}
