import type {Finding, Rule} from '../engine/types.js'
import {recreateNetworkCommands} from '../model/commands.js'
import {ipv4Pools} from '../model/host-model.js'
import {cidrContains, parseCidr} from '../model/ip.js'

/** The router the host itself uses on `subnet`, if its default route goes there. */
function hostRouter(routes: Array<{table: string; dst: string; gateway?: string}>, subnet: string): string | undefined {
  return routes.find((route) => route.table === 'main' && route.dst === 'default' && route.gateway && cidrContains(subnet, route.gateway))?.gateway
}

export const gatewayMissing: Rule = {
  meta: {id: 'gateway-missing', code: 'MVD029', title: 'Containers have the LAN router as gateway', severity: 'warn', requires: ['routes', 'networks', 'containers', 'docker']},
  evaluate: ({model}) =>
    model.l2Networks().flatMap((l2) =>
      ipv4Pools(l2)
        .filter(() => !l2.network.internal)
        .map((pool): Finding => {
          const subject = {network: l2.network.name}
          const router = hostRouter(model.data('routes'), pool.subnet)
          const {apiVersion} = model.data('docker')
          const evidence = {facts: {subnet: pool.subnet, gateway: pool.gateway, hostRouter: router, apiVersion}, commands: [`docker network inspect ${l2.network.name} --format '{{json .IPAM.Config}}'`, 'ip route show default']}
          const fixWith = (gateway: string) => recreateNetworkCommands(l2, model.containerNames(l2.network), {gateway})
          if (!pool.gateway) {
            const firstHost = parseCidr(pool.subnet)?.getFirst().nextIPNumber().toString()
            const newer = Number.parseFloat(apiVersion) >= 1.52
            return {
              outcome: 'warn',
              subject,
              message: newer
                ? `No --gateway on ${pool.subnet}: from Engine 29 (API 1.52) Docker then gives containers no default route, so they reach nothing off the subnet.`
                : `No --gateway on ${pool.subnet}: Docker picks ${firstHost}, which is not necessarily your router${router ? ` (the host uses ${router})` : ''}; Engine 29 and newer give no default route at all.`,
              evidence,
              fix: router ? {summary: `Recreate the network with --gateway=${router}.`, commands: fixWith(router)} : {summary: "Recreate the network with --gateway set to the LAN router's address.", commands: []},
            }
          }
          if (router && router !== pool.gateway) {
            return {
              outcome: 'warn',
              subject,
              message: `Containers use ${pool.gateway} as gateway, but the host's router on ${pool.subnet} is ${router}: if ${pool.gateway} is not a router, containers reach nothing off the subnet.`,
              evidence,
              fix: {summary: `Recreate the network with --gateway=${router} (unless ${pool.gateway} is a second router on purpose).`, commands: fixWith(router)},
            }
          }
          return {outcome: 'pass', subject, message: `Gateway ${pool.gateway}${router ? ' is the router the host uses too' : ' is set'}.`, evidence}
        }),
    ),
}
