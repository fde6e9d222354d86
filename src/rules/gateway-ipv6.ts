import type {Finding, Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import {ipv6Pools} from '../model/host-model.js'
import {bareAddress} from '../model/ip.js'
import {eachViewedEndpoint, globalIpv6, inContainer, ipv6Defaults, ipv6GatewayOf, routeText} from './support/ipv6.js'
import {answersFor, describeProbe, probeFacts, unaskedText} from './support/probe-evidence.js'

/** Neighbour states that mean the container asked for the gateway's MAC and nothing answered. */
const UNANSWERED = ['FAILED', 'INCOMPLETE']

export const gatewayIpv6: Rule = {
  meta: {
    id: 'gateway-ipv6',
    code: 'MVD031',
    title: 'Containers reach their IPv6 gateway',
    severity: 'fail',
    requires: ['networks', 'containers', 'containerViews'],
    probes: ['container-to-gateway6'],
    causedBy: [
      {id: 'parent-missing', on: 'network'},
      {id: 'parent-down', on: 'network', explains: ['gateway6-unreachable']},
      {id: 'parent-enslaved', on: 'network', explains: ['gateway6-unreachable']},
      {id: 'wireless-parent', on: 'network', explains: ['gateway6-unreachable']},
      {id: 'vlan-parent', on: 'network', explains: ['gateway6-unreachable']},
      {id: 'mac-filtered', on: 'parent', explains: ['gateway6-unreachable']},
    ],
  },
  evaluate: ({model, probes}) =>
    model.l2Networks().flatMap((l2) => {
      // An IPv4-only network has no IPv6 gateway to judge; an internal one has no way off its subnet by design.
      const pools = ipv6Pools(l2)
      if (pools.length === 0 || l2.network.internal) return []
      return eachViewedEndpoint(model, l2, ({container, endpoint, view, device, subject}): Finding[] => {
        const gateway = ipv6GatewayOf(endpoint, l2)
        const address = endpoint.ipv6 ? bareAddress(endpoint.ipv6) : undefined
        const conf = device ? view.ipv6Conf?.[device] : undefined
        const defaults = device ? ipv6Defaults(view.routes, device) : []
        const viaGateway = defaults.find((route) => route.gateway === gateway)
        const neighbour = view.neighbours.find((entry) => entry.dst === gateway && entry.dev === device)
        const answers = answersFor(probes, ['container-to-gateway6'], {container: container.name, network: l2.network.name})
        const evidence = {
          facts: {
            gateway: gateway ?? null,
            address: address ?? null,
            device,
            ipv6Addresses: device ? globalIpv6(view.addresses, device).map((entry) => `${entry.local}/${entry.prefixlen}`) : [],
            defaultRoutes: defaults.map(routeText),
            ...(conf ? {disableIpv6: conf.disableIpv6} : {}),
            ...(neighbour ? {gatewayNeighbour: `${neighbour.dst} ${neighbour.lladdr ?? '-'} ${neighbour.state.join(',')}`} : {}),
            ...(answers.judged.length + answers.errored.length > 0 ? probeFacts([...answers.judged, ...answers.errored]) : {}),
          },
          commands: [inContainer(container.name, 'addr'), inContainer(container.name, 'route'), sh`docker network inspect ${l2.network.name} --format '{{json .IPAM.Config}}'`],
        }
        const fail = (message: string, symptom: string, fix: string): Finding[] => [{outcome: 'fail', subject, message, evidence, symptoms: [symptom], fix: {summary: fix, commands: []}}]
        if (!device) return fail(`${container.name} has no interface holding its addresses on ${l2.network.name}: its ${l2.driver} link is gone.`, 'no-link', `Restart ${container.name}.`)
        if (conf?.disableIpv6) {
          return fail(
            `IPv6 is disabled on ${container.name}'s ${device} (net.ipv6.conf.${device}.disable_ipv6=1), although ${l2.network.name} has the IPv6 subnet ${pools.map((pool) => pool.subnet).join(', ')}: it has no IPv6 at all.`,
            'ipv6-disabled',
            `Start ${container.name} without a sysctl that disables IPv6 (--sysctl net.ipv6.conf.all.disable_ipv6=0), or leave IPv6 out of ${l2.network.name}.`,
          )
        }
        if (address && !globalIpv6(view.addresses, device).some((entry) => entry.local === address)) {
          return fail(`${container.name} does not hold ${address}, the IPv6 address Docker gave it on ${l2.network.name}.`, 'ipv6-address-missing', `Restart ${container.name}; if the address comes back missing, recreate it.`)
        }
        if (!gateway) return []
        const unreachable = answers.judged.filter((record) => record.outcome === 'no-reply')
        const unanswered = neighbour?.state.some((state) => UNANSWERED.includes(state)) ? neighbour : undefined
        // Neighbour discovery answered, the echo did not: a router may well drop echo requests and still route.
        if (unreachable.length > 0 && !unanswered && unreachable.every((record) => record.l2 === 'resolved')) {
          const holder = unreachable.find((record) => record.nextHopMac)?.nextHopMac
          return [
            {
              outcome: 'skip',
              skipKind: 'missing-data',
              subject,
              message: `Not proven: ${unreachable.map(describeProbe).join('; ')}, yet ${holder ?? 'something'} answered its neighbour solicitations for ${gateway}, so something holds the gateway's address and drops ICMPv6 echo. Whether it routes ${container.name}'s IPv6 is not proven either way.`,
              evidence,
            },
          ]
        }
        if (unreachable.length > 0 || unanswered) {
          const proof = unreachable.length > 0 ? unreachable.map(describeProbe).join('; ') : `its neighbour entry for ${gateway} is ${unanswered?.state.join(',')}: nothing answered its neighbour solicitations`
          return fail(
            `${container.name} cannot reach its IPv6 gateway ${gateway}: ${proof}. Every IPv6 packet it sends off ${pools.map((pool) => pool.subnet).join(', ')} is lost: nothing on the LAN holds ${gateway}.`,
            'gateway6-unreachable',
            `Recreate ${l2.network.name} with the IPv6 router's address on the LAN as its IPv6 --gateway (\`ip -6 route show default\` on a LAN machine names it), or give the LAN an IPv6 router at ${gateway}.`,
          )
        }
        if (!viaGateway) {
          const others = defaults.map(routeText).join(', ')
          return fail(
            `${container.name} has no IPv6 default route via its gateway ${gateway}${others ? `; it routes IPv6 ${others} instead` : ': it reaches no IPv6 address off its subnet'}.`,
            'no-ipv6-route',
            `Recreate ${container.name} (Docker adds the route via ${gateway} when it connects it to ${l2.network.name}).`,
          )
        }
        const proven = answers.judged.filter((record) => record.outcome === 'reply')
        const unasked = unaskedText(answers)
        return [
          {
            outcome: 'pass',
            subject,
            message: `${container.name} routes IPv6 via its gateway ${gateway}.${proven.length > 0 ? ` Proven: ${proven.map(describeProbe).join('; ')}.` : ''}${unasked ? ` Reachability ${unasked}.` : ''}`,
            evidence,
          },
        ]
      })
    }),
}
