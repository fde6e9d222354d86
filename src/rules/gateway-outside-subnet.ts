import type {Finding, Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import {cidrContains} from '../model/ip.js'

export const gatewayOutsideSubnet: Rule = {
  meta: {id: 'gateway-outside-subnet', code: 'MVD012', title: "The gateway is inside the network's subnet", severity: 'fail', requires: ['networks']},
  evaluate: ({model}) =>
    model.l2Networks().flatMap((l2) =>
      l2.ipam
        .filter((pool) => pool.gateway)
        .map((pool): Finding => {
          const subject = {network: l2.network.name}
          const evidence = {facts: {subnet: pool.subnet, gateway: pool.gateway}, commands: [sh`docker network inspect ${l2.network.name} --format '{{json .IPAM.Config}}'`]}
          if (cidrContains(pool.subnet, pool.gateway ?? '')) return {outcome: 'pass', subject, message: `Gateway ${pool.gateway} is inside ${pool.subnet}.`, evidence}
          return {
            outcome: 'fail',
            subject,
            message: `Gateway ${pool.gateway} is outside the subnet ${pool.subnet}: containers cannot ARP for it, so they have no way off the subnet.`,
            evidence,
            fix: {summary: `Recreate ${l2.network.name} with the router's address on ${pool.subnet} as --gateway (Docker refuses this with "no matching subnet for gateway" on create; a config-only or older network can still carry it).`, commands: []},
          }
        }),
    ),
}
