/** What a container's own namespace and the host say about IPv6 on a macvlan link, for the IPv6 rules. */
import type {Finding, Subject} from '../../engine/types.js'
import {sh} from '../../exec/quote.js'
import type {HostModel, L2Network} from '../../model/host-model.js'
import {bareAddress, ipv6Text, ipv6Value, isIPv6} from '../../model/ip.js'
import type {Address, ContainerNetwork, ContainerView, DockerContainer, Route} from '../../snapshot/types.js'
import {notApplicable} from './common.js'

/** The interface of `view` that holds the endpoint's addresses: the container's macvlan link on that network. */
export function endpointDevice(view: ContainerView, endpoint: ContainerNetwork): string | undefined {
  const own = [endpoint.ipv4, endpoint.ipv6].flatMap((address) => (address ? [bareAddress(address)] : []))
  return view.addresses.find((address) => own.includes(address.local))?.ifname
}

/** Global IPv6 addresses on `ifname` (link-local ones every IPv6 link has, and say nothing about addressing). */
export const globalIpv6 = (addresses: readonly Address[], ifname: string): Address[] => addresses.filter((address) => address.ifname === ifname && address.family === 'inet6' && address.scope === 'global')

/** The main table's IPv6 default routes out of `ifname`. */
export const ipv6Defaults = (routes: readonly Route[], ifname: string): Route[] =>
  routes.filter((route) => route.table === 'main' && route.dst === 'default' && route.dev === ifname && route.gateway !== undefined && isIPv6(route.gateway))

/** A route the kernel learned from a router advertisement. */
export const fromRa = (route: Route): boolean => route.protocol === 'ra'

/** `via fe80::1 (router advertisement)`: how a report names a default route. */
export const routeText = (route: Route): string => `via ${route.gateway ?? '-'}${fromRa(route) ? ' (learned from a router advertisement)' : ''}`

/** A steady, running container's endpoint on an L2 network, with its own view and the link holding its addresses there. */
export interface ViewedEndpoint {
  container: DockerContainer
  endpoint: ContainerNetwork
  view: ContainerView
  /** Undefined when no link of the view holds the endpoint's addresses. */
  device: string | undefined
  subject: Subject
}

/**
 * `judge` for each endpoint on `l2` whose container can be judged from inside; a container that is not steady, not
 * running, or whose view could not be read gets the finding that says so instead.
 */
export function eachViewedEndpoint(model: HostModel, l2: L2Network, judge: (endpoint: ViewedEndpoint) => Finding[]): Finding[] {
  return model.endpointsOf(l2.network).flatMap(({container, endpoint}): Finding[] => {
    const subject = {network: l2.network.name, container: container.name}
    const unsteady = model.unsteadyReason(container)
    if (unsteady) return [{outcome: 'skip', skipKind: 'missing-data', subject, message: `Not checked: ${unsteady}, so nothing about its IPv6 is concluded from it.`}]
    if (!container.running || container.pid <= 0) return [notApplicable(subject, `${container.name} is not running (${container.status}): it has no routes to judge.`)]
    const view = model.containerView(container)
    if (!view) {
      const error = model.containerViewError(container)
      return [{outcome: 'skip', skipKind: 'missing-data', subject, message: `Not checked: ${container.name}'s own routes could not be read (${error ? error.message : 'its view was not collected'}).`}]
    }
    return judge({container, endpoint, view, device: endpointDevice(view, endpoint), subject})
  })
}

/** `nsenter --net=… ip -6 …` for a container: how a report shows what its own namespace holds. */
export const inContainer = (container: string, ip: string): string => `${sh`nsenter --net=$(docker inspect -f '{{.NetworkSettings.SandboxKey}}' ${container})`} ip -6 ${ip}`

/** The prefix an IPv6 address lies in, as iproute2 prints it: `2001:db8:5::/64`. */
export function ipv6Prefix(address: Address): string {
  const value = ipv6Value(address.local) ?? 0n
  const host = (1n << BigInt(128 - address.prefixlen)) - 1n
  return `${ipv6Text(value & ~host)}/${address.prefixlen}`
}

/** The IPv6 gateway Docker routes an endpoint through: its own `IPv6Gateway`, or its network's. */
export const ipv6GatewayOf = (endpoint: ContainerNetwork, l2: L2Network): string | undefined => endpoint.gatewayIpv6 ?? l2.ipam.find((pool) => isIPv6(pool.subnet) && pool.gateway)?.gateway

/** The MAC `view`'s neighbour table resolved `address` to on `device`, when it did. */
export const neighbourMac = (view: ContainerView, device: string, address: string): string | undefined =>
  view.neighbours.find((entry) => entry.dst === address && entry.dev === device && entry.lladdr && !entry.state.some((state) => state === 'FAILED' || state === 'INCOMPLETE'))?.lladdr
