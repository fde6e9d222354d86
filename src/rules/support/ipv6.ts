/** What a container's own namespace and the host say about IPv6 on a macvlan link, for the IPv6 rules. */
import {bareAddress, isIPv6} from '../../model/ip.js'
import type {Address, ContainerNetwork, ContainerView, Route} from '../../snapshot/types.js'

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
