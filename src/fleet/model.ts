/**
 * Several hosts' saved files side by side: which of their macvlan networks share a LAN, and what each host holds there.
 * Pure: a function of the loaded snapshots and the probes saved with them.
 */
import {HostModel, ipv4Pools, MissingSlice, type L2Network} from '../model/host-model.js'
import {bareAddress, canonicalCidr, cidrContains, isIPv6} from '../model/ip.js'
import type {ProbeResults} from '../probe/types.js'
import type {Snapshot} from '../snapshot/types.js'

export interface FleetHost {
  /** The hostname, or the file for a redacted bundle (whose hostname is a pseudonym shared by every redacted file). */
  name: string
  file: string
  snapshot: Snapshot
  /** The probes saved with it: absent for a snapshot (`collect -o`, `doctor --save --no-probe`). */
  probes?: ProbeResults
  savedAt?: string
}

/** How a fleet names the host of a file: its hostname, or the file itself when redacted (every redacted file says `host-1`). */
export function fleetHostName(snapshot: Snapshot, file: string): string {
  const hostname = 'data' in snapshot.host ? snapshot.host.data.hostname : undefined
  return snapshot.redacted || !hostname ? file : hostname
}

/** The gateway's MAC as one host saw it, and where. */
export interface GatewayMac {
  mac: string
  source: string
}

/** One IPv4 pool of one macvlan or ipvlan network of one host, on a parent. */
export interface LanMember {
  host: FleetHost
  model: HostModel
  l2: L2Network
  parent: string
  subnet: string
  gateway?: string
  /** What Docker may hand out: the --ip-range, or the whole subnet. */
  allocatable: string
  auxAddresses: Record<string, string>
  gatewayMac?: GatewayMac
}

/** Two members of different hosts on one LAN, and the evidence that says so. */
export interface SharedLan {
  a: LanMember
  b: LanMember
  /** "same gateway MAC 36:d5:… (…)" or "same gateway 192.168.77.1 and subnet …". */
  evidence: string
  /** `gateway-mac` when both hosts saw the gateway's MAC; `gateway-address` when only the addresses could be compared. */
  basis: 'gateway-mac' | 'gateway-address'
}

/** A host's members, or why they could not be read (a slice that failed to collect). */
export function membersOf(host: FleetHost): LanMember[] | string {
  const model = new HostModel(host.snapshot)
  try {
    return model.l2Networks().flatMap((l2) => {
      if (!l2.parent) return []
      const parent = l2.parent
      return ipv4Pools(l2).flatMap((pool): LanMember[] => {
        const subnet = canonicalCidr(pool.subnet)
        if (!subnet) return []
        const member: LanMember = {host, model, l2, parent, subnet, allocatable: pool.allocatable, auxAddresses: pool.auxAddresses}
        if (pool.gateway) member.gateway = bareAddress(pool.gateway)
        const mac = member.gateway ? gatewayMacOf(host, model, parent, member.gateway) : undefined
        if (mac) member.gatewayMac = mac
        return [member]
      })
    })
  } catch (error) {
    if (error instanceof MissingSlice) return `${error.slice} could not be collected on ${host.name} (${error.reason})`
    throw error
  }
}

/** The gateway's MAC from the host's neighbour table on the parent (or a shim on it), else from the host's own ARP probe to it. */
function gatewayMacOf(host: FleetHost, model: HostModel, parent: string, gateway: string): GatewayMac | undefined {
  const links = new Set([parent, ...model.hostMacvlansOn(parent).map((link) => link.name)])
  const neighbours = 'data' in host.snapshot.neighbours ? host.snapshot.neighbours.data : []
  const known = neighbours.find((entry) => entry.dst === gateway && links.has(entry.dev) && entry.lladdr && !entry.state.some((state) => state === 'FAILED' || state === 'INCOMPLETE'))
  if (known?.lladdr) return {mac: known.lladdr.toLowerCase(), source: `${host.name}'s neighbour table on ${known.dev}`}
  const arp = host.probes?.records.find((record) => record.purpose === 'mac-filter-host' && record.parent === parent && record.target === gateway && record.outcome === 'reply' && record.replies?.length === 1)
  const answer = arp?.replies?.[0]
  return answer ? {mac: answer.mac.toLowerCase(), source: `${host.name}'s ARP to it from ${parent}`} : undefined
}

/**
 * Whether two members sit on one LAN: the same subnet, and parents on one L2 segment. The gateway's MAC decides when
 * both hosts saw it (two different MACs mean two segments that reuse a subnet); otherwise the same gateway address
 * is taken as the same router, and the evidence says that weaker proof was used.
 */
export function sharedLan(a: LanMember, b: LanMember): SharedLan | undefined {
  if (a.host === b.host || a.subnet !== b.subnet) return undefined
  if (a.gatewayMac && b.gatewayMac) {
    if (a.gatewayMac.mac !== b.gatewayMac.mac || a.gateway !== b.gateway) return undefined
    return {a, b, basis: 'gateway-mac', evidence: `same subnet ${a.subnet} and the same gateway ${a.gateway} at MAC ${a.gatewayMac.mac} (${a.gatewayMac.source}; ${b.gatewayMac.source})`}
  }
  if (!a.gateway || a.gateway !== b.gateway) return undefined
  const seen = a.gatewayMac ?? b.gatewayMac
  const unseen = [a, b].filter((member) => !member.gatewayMac).map((member) => member.host.name)
  return {
    a,
    b,
    basis: 'gateway-address',
    evidence: `same subnet ${a.subnet} and the same gateway address ${a.gateway} (its MAC was not seen from ${unseen.join(' or ')}${seen ? `; ${seen.source}: ${seen.mac}` : ''}: the same router is assumed, not proven)`,
  }
}

/** Every pair of members of different hosts that share a LAN, each pair once, in the order of the files. */
export function sharedLans(members: LanMember[]): SharedLan[] {
  return members.flatMap((a, index) => members.slice(index + 1).flatMap((b) => sharedLan(a, b) ?? []))
}

/** What a member's host holds on its LAN: container addresses and MACs, shim addresses, aux addresses, the host's own address. */
export interface Holding {
  member: LanMember
  kind: 'container' | 'shim' | 'aux' | 'host'
  /** The container, shim, aux name or interface. */
  name: string
  address?: string
  mac?: string
  running?: boolean
}

export function holdingsOf(member: LanMember): Holding[] {
  const {model, l2, parent, subnet} = member
  const inSubnet = (address: string | undefined) => address !== undefined && !isIPv6(address) && cidrContains(subnet, address)
  const containers = model.endpointsOf(l2.network).flatMap(({container, endpoint}): Holding[] => {
    const address = endpoint.ipv4 ? bareAddress(endpoint.ipv4) : undefined
    if (!inSubnet(address) && !endpoint.mac) return []
    return [{member, kind: 'container', name: container.name, ...(inSubnet(address) ? {address} : {}), ...(endpoint.mac ? {mac: endpoint.mac.toLowerCase()} : {}), running: container.running}]
  })
  const shims = model.shimsOn(parent).flatMap((link) => model.addressesOf(link.name).filter((address) => inSubnet(address.local)).map((address): Holding => ({member, kind: 'shim', name: link.name, address: address.local, ...(link.mac ? {mac: link.mac.toLowerCase()} : {})})))
  const aux = Object.entries(member.auxAddresses).filter(([, address]) => inSubnet(bareAddress(address))).map(([name, address]): Holding => ({member, kind: 'aux', name, address: bareAddress(address)}))
  const own = model.addressesOf(parent).filter((address) => inSubnet(address.local)).map((address): Holding => ({member, kind: 'host', name: parent, address: address.local}))
  return [...containers, ...shims, ...aux, ...own]
}

/** "container web", "shim lan-shim", "aux address shim", "the host's eth1 address", each with its host. */
export function holdingText(holding: Holding): string {
  const where = {container: `container ${holding.name}`, shim: `shim ${holding.name}`, aux: `aux address ${holding.name}`, host: `the host's ${holding.name} address`}[holding.kind]
  return `${where} on ${holding.member.host.name} (network ${holding.member.l2.network.name})`
}
