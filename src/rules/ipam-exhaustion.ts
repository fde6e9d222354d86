import type {Finding, Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import {ipv4Pools} from '../model/host-model.js'
import {addressCount, bareAddress, cidrContains, parseCidr} from '../model/ip.js'

export const ipamExhaustion: Rule = {
  meta: {id: 'ipam-exhaustion', code: 'MVD022', title: "The network's range has room", severity: 'warn', requires: ['networks', 'containers']},
  evaluate: ({model}) =>
    model.l2Networks().flatMap((l2) =>
      ipv4Pools(l2).map((pool): Finding => {
        const subject = {network: l2.network.name}
        const inRange = (address: string) => cidrContains(pool.allocatable, address)
        const subnet = parseCidr(pool.subnet)
        // Docker never hands out the subnet's network and broadcast addresses, its gateway or its aux addresses.
        const unavailable = new Set(
          [subnet?.getFirst().toString(), subnet?.getLast().toString(), pool.gateway, ...Object.values(pool.auxAddresses)].filter((address): address is string => address !== undefined && inRange(address)),
        )
        const size = Number(addressCount(pool.allocatable)) - unavailable.size
        const used = model.endpointsOf(l2.network).filter(({endpoint}) => endpoint.ipv4 && inRange(bareAddress(endpoint.ipv4))).length
        const free = size - used
        const evidence = {facts: {range: pool.allocatable, usable: size, used, free}, commands: [sh`docker network inspect ${l2.network.name} --format '{{json .IPAM.Config}} {{len .Containers}}'`]}
        if (free > Math.max(2, size / 10)) return {outcome: 'pass', subject, message: `${free} of ${size} addresses in ${pool.allocatable} are free.`, evidence}
        return {
          outcome: free <= 0 ? 'fail' : 'warn',
          subject,
          message: free <= 0 ? `${pool.allocatable} is full (${used} of ${size} used): the next container fails with "no available addresses on this pool".` : `Only ${free} of ${size} addresses in ${pool.allocatable} are left.`,
          evidence,
          fix: {
            summary: 'Recreate the network with a larger --ip-range (outside the DHCP pool), or remove containers on it that you no longer need.',
            commands: [sh`docker ps --all --filter network=${l2.network.name} --format '{{.Names}} {{.Status}}'`],
          },
        }
      }),
    ),
}
