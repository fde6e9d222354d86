/**
 * Planning a host shim for a macvlan network: its name, the address both Docker and the rules agree it may keep, the
 * routes it carries, and the commands that make it. Shared by the rules that judge shims and by `macvlan fix`.
 */
import type {Fix, FixAction, FreeAddress} from '../engine/types.js'
import {shellLine} from '../exec/quote.js'
import {recreateNetworkCommands} from './docker-commands.js'
import type {HostModel, L2Network} from '../model/host-model.js'
import {shimNameFor} from './persistence.js'
import {bareAddress, cidrContains, highestAddressWhere, highestFreeAddress, overlapOf} from '../model/ip.js'

/**
 * Where the shim's address sits for Docker: `aux`, reserved with --aux-address; `outside-range`, in the subnet but
 * outside the --ip-range Docker allocates from, so Docker never hands it out; `in-range`, free today only, so a future
 * container may take it unless the network is recreated with it reserved.
 */
export type ShimPlacement = 'aux' | 'outside-range' | 'in-range'

export interface ShimPlan {
  address: string
  /** What to route through the shim: the ip-range, or each container's /32 when there is no range (never the whole LAN subnet). */
  routes: string[]
  placement: ShimPlacement
  /** The declared DHCP pools (--dhcp-range) an address outside the range was kept out of. */
  declaredPools?: string[]
}

/** Aux addresses named for the host are meant for the shim; any other may stand for a LAN device Docker must avoid. */
const FOR_THE_HOST = /shim|host/i

/**
 * The address and routes a shim for `l2` should use. The aux address when the network has one (one named for the shim
 * or host first); otherwise the highest address outside Docker's range that no container (running or not), the host,
 * the gateway or a declared DHCP pool holds (the fix proves it free by ARP and asks the DHCP probe's answer whether it
 * is in the LAN's pool); only when there is none, the highest free address inside the range, which must be reserved.
 */
export function shimPlan(model: HostModel, l2: L2Network, dhcpRanges: readonly string[] = []): ShimPlan | undefined {
  const config = l2.ipam.find((candidate) => !candidate.subnet.includes(':'))
  if (!config) return undefined
  const range = config.ipRange ?? config.subnet
  const endpoints = model.endpointsOf(l2.network)
  const containerIps = endpoints.flatMap(({endpoint}) => (endpoint.ipv4 ? [bareAddress(endpoint.ipv4)] : []))
  const hostAddresses = new Set(model.data('addresses').map((address) => address.local))
  // A container holding one of the host's own addresses is ip-conflict's to report; routing it away would cut the host off.
  const routes = config.ipRange ? [config.ipRange] : containerIps.filter((ip) => !hostAddresses.has(ip)).map((ip) => `${ip}/32`)
  const auxes = Object.entries(config.auxAddresses).sort(([a], [b]) => Number(FOR_THE_HOST.test(b)) - Number(FOR_THE_HOST.test(a)))
  const aux = auxes.find(([, address]) => cidrContains(range, address)) ?? auxes[0]
  if (aux) return {address: aux[1], routes, placement: 'aux'}
  // A stopped container's static address is taken too: it comes back when the container starts.
  const staticIps = endpoints.flatMap(({endpoint}) => (endpoint.requestedIpv4 ? [bareAddress(endpoint.requestedIpv4)] : []))
  const taken = new Set([...(config.gateway ? [config.gateway] : []), ...containerIps, ...staticIps, ...hostAddresses])
  const inDeclaredPool = (address: string) => dhcpRanges.some((pool) => overlapOf(pool, address))
  const outside = config.ipRange ? highestAddressWhere(config.subnet, (address) => !cidrContains(range, address) && !taken.has(address) && !inDeclaredPool(address), true) : undefined
  if (outside) return {address: outside, routes, placement: 'outside-range', ...(dhcpRanges.length > 0 ? {declaredPools: [...dhcpRanges]} : {})}
  const inside = highestFreeAddress(range, taken, !config.ipRange)
  return inside ? {address: inside, routes, placement: 'in-range'} : undefined
}

/** The shim that gives the host a path to `l2`'s containers is named after the network. */
export const shimName = (l2: L2Network) => shimNameFor(l2.network.name)

/** The shim as runtime actions: deleting the link undoes all of them (its address and routes go with it). */
function shimActions(plan: ShimPlan, shim: string, parent: string): FixAction[] {
  const undo = ['ip', 'link', 'del', shim]
  return [
    {run: ['ip', 'link', 'add', shim, 'link', parent, 'type', 'macvlan', 'mode', 'bridge'], undo},
    {run: ['ip', 'addr', 'add', `${plan.address}/32`, 'dev', shim], undo},
    {run: ['ip', 'link', 'set', shim, 'up'], undo},
    ...plan.routes.map((route) => ({run: ['ip', 'route', 'add', route, 'dev', shim], undo})),
  ]
}

/** The lines that keep Docker from handing out an in-range shim address: recreate the network with it reserved. */
export function reservationCommands(model: HostModel, l2: L2Network, address: string): string[] {
  return [`# ${address} is free now; reserve it so Docker never hands it out:`, ...recreateNetworkCommands(model, l2, {aux: {shim: address}})]
}

const SUMMARY_ADDRESS: Record<ShimPlacement, string> = {
  aux: 'a reserved address',
  'outside-range': "an address outside Docker's range",
  'in-range': "a free address of Docker's range (to be reserved, as there is none outside it)",
}

/** What `macvlan fix` must prove about the address before the shim takes it. */
export function freeAddressOf(plan: ShimPlan, parent: string): FreeAddress {
  return {address: plan.address, parent, ...(plan.placement === 'aux' ? {reserved: true} : {}), ...(plan.declaredPools ? {declaredPools: plan.declaredPools} : {})}
}

/** The fix that gives the host a shim on `parent` for `l2`. */
export function shimFix(model: HostModel, l2: L2Network, parent: string, dhcpRanges: readonly string[] = []): Fix {
  const plan = shimPlan(model, l2, dhcpRanges)
  const summary = `Create a bridge-mode macvlan shim on ${parent} with ${SUMMARY_ADDRESS[plan?.placement ?? 'aux']} and route the containers through it.`
  const shim = shimName(l2)
  if (!plan) return {summary, commands: [shellLine(['ip', 'link', 'add', shim, 'link', parent, 'type', 'macvlan', 'mode', 'bridge'])]}
  const actions = shimActions(plan, shim, parent)
  const commands = actions.map((action) => shellLine(action.run))
  const done = {summary, commands, actions, shim: {name: shim, parent, mode: 'bridge', addresses: [`${plan.address}/32`], routes: plan.routes}}
  const freeAddress = freeAddressOf(plan, parent)
  if (plan.placement === 'aux') return {...done, freeAddress}
  if (plan.placement === 'outside-range') return {...done, commands: [...commands, `# ${plan.address} is outside Docker's --ip-range, so Docker never hands it out.`], freeAddress}
  return {...done, commands: [...commands, ...reservationCommands(model, l2, plan.address)], freeAddress}
}
