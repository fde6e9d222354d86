import type {Finding, Rule} from '../engine/types.js'
import {sh, shellLine, shellWord} from '../exec/quote.js'
import {ipv6Pools} from '../model/host-model.js'
import {bareAddress, cidrContains} from '../model/ip.js'
import {recreateNetworkCommands} from '../remedy/docker-commands.js'
import type {Address} from '../snapshot/types.js'
import {notApplicable} from './support/common.js'
import {eachViewedEndpoint, inContainer, ipv6Prefix} from './support/ipv6.js'

/** A global address the kernel made from a router advertisement's prefix (SLAAC); temporary privacy addresses come and go with it. */
const fromSlaac = (address: Address): boolean =>
  address.family === 'inet6' && address.scope === 'global' && !address.flags?.includes('temporary') && (address.flags?.includes('dynamic') === true || address.flags?.includes('mngtmpaddr') === true)

const cidrOf = (address: Address): string => `${address.local}/${address.prefixlen}`

export const slaacAddress: Rule = {
  meta: {
    id: 'slaac-address',
    code: 'MVD032',
    title: 'Containers hold only the IPv6 addresses Docker gave them',
    severity: 'warn',
    requires: ['networks', 'containers', 'containerViews'],
  },
  evaluate: ({model}) =>
    model.l2Networks().flatMap((l2) => {
      const pools = ipv6Pools(l2).map((pool) => pool.subnet)
      return eachViewedEndpoint(model, l2, ({container, endpoint, view, device, subject}): Finding[] => {
        if (!device) return [notApplicable(subject, `${container.name} has no link holding its addresses on ${l2.network.name}: container-route and gateway-ipv6 say why.`)]
        const docker = endpoint.ipv6 ? bareAddress(endpoint.ipv6) : undefined
        const slaac = view.addresses.filter((address) => address.ifname === device && fromSlaac(address) && address.local !== docker)
        const foreign = slaac.filter((address) => !pools.some((pool) => cidrContains(pool, address.local)))
        const evidence = {
          facts: {device, dockerIpv6: docker ?? null, ipv6Subnets: pools, slaacAddresses: slaac.map(cidrOf), ...(view.ipv6Conf?.[device] ? {acceptRa: view.ipv6Conf[device].acceptRa} : {})},
          commands: [inContainer(container.name, `addr show dev ${shellWord(device)}`), sh`docker network inspect ${l2.network.name} --format '{{json .IPAM.Config}}'`],
        }
        if (foreign.length === 0) {
          const inside = slaac.length > 0 ? ` Its SLAAC address${slaac.length > 1 ? 'es' : ''} ${slaac.map(cidrOf).join(', ')} ${slaac.length > 1 ? 'are' : 'is'} inside ${l2.network.name}'s IPv6 subnet ${pools.join(', ')}: the LAN's router advertises Docker's own prefix.` : ''
          return [{outcome: 'pass', subject, message: `${container.name} holds no global IPv6 address on ${device} outside the subnets Docker manages for ${l2.network.name}.${inside}`, evidence}]
        }
        const prefixes = [...new Set(foreign.map(ipv6Prefix))]
        const network = pools.length === 0 ? `${l2.network.name}, which is IPv4-only` : `${l2.network.name}, whose IPv6 subnet is ${pools.join(', ')}`
        return [
          {
            outcome: 'warn',
            subject,
            message: `${container.name} configured ${foreign.map(cidrOf).join(', ')} on ${device} by SLAAC from a router advertising ${prefixes.join(', ')} on ${network}: it is reachable at an address Docker does not manage (not in \`docker inspect\`, never checked for conflicts, and open to the LAN whatever Docker publishes).`,
            evidence,
            symptoms: [pools.length === 0 ? 'slaac-on-ipv4-only' : 'slaac-foreign-prefix'],
            fix: {
              summary: `Stop ${container.name} from accepting router advertisements on ${device} (\`--sysctl net.ipv6.conf.${device}.accept_ra=0\` on docker run, or \`sysctls:\` in Compose${pools.length === 0 ? '; `net.ipv6.conf.all.disable_ipv6=1` turns its IPv6 off altogether' : ''}) and recreate it, or recreate ${l2.network.name} with the advertised prefix as its IPv6 subnet (add \`--gateway=\` with the IPv6 router's address on it), so Docker manages the addresses.`,
              commands: [`${shellLine(['docker', 'run', '--sysctl', `net.ipv6.conf.${device}.accept_ra=0`, '--network', l2.network.name])} …`, ...recreateNetworkCommands(model, l2, {ipv6Subnet: prefixes[0]})],
            },
          },
        ]
      })
    }),
}
