/**
 * Which packets to send, decided from the snapshot alone (pure, so the safety rules are unit-tested): every target is an
 * address inside a subnet of a macvlan/ipvlan network, probed only through that network's parent or its containers.
 */
import {ipv4Pools, ipv6Pools, namespacePathOf, type HostModel} from '../model/host-model.js'
import {bareAddress, cidrContains, intervalOf, ipv4Text, ipv4Value, type Interval} from '../model/ip.js'
import {shimPlan} from '../remedy/shim.js'
import type {DockerContainer} from '../snapshot/types.js'
import type {DhcpQuestion, ProbePurpose, ProbeSkip} from './types.js'

/** The probes sent from inside a container's namespace. */
export const FROM_CONTAINER: ProbePurpose[] = ['container-to-gateway', 'container-to-gateway6', 'container-to-host', 'container-to-peer']
/** Every probe sent from or to one container. */
export const CONTAINER_PURPOSES: ProbePurpose[] = ['host-to-container', ...FROM_CONTAINER]

export interface IcmpProbe {
  purpose: ProbePurpose
  /** `undefined` for the host's own namespace. */
  namespacePath?: string
  fromName: string
  target: string
  network: string
  container?: string
}

interface AddressOwner {
  address: string
  network: string
  /** Who Docker says holds it, and with which MAC when that is known. */
  owner: string
  expectedMac?: string
}

/** Probes sent from one throw-away macvlan on `parent`, in its own namespace. */
export interface ScratchProbe {
  parent: string
  gateway?: string
  owners: AddressOwner[]
}

interface ProbePlan {
  icmp: IcmpProbe[]
  scratch: ScratchProbe[]
  skipped: ProbeSkip[]
}

/** Upper bound on packets of one kind per run, whatever the host looks like. */
const MAX_TARGETS = 1024

export function planProbes(model: HostModel): ProbePlan {
  const icmp: IcmpProbe[] = []
  const scratchByParent = new Map<string, ScratchProbe>()
  const skipped: ProbeSkip[] = []
  const noteUnsteady = (container: DockerContainer) => {
    const reason = model.unsteadyReason(container)
    if (reason && !skipped.some((skip) => skip.container === container.name)) skipped.push({probe: `container ${container.name}`, reason: `${reason}: not probed`, purposes: CONTAINER_PURPOSES, container: container.name})
  }
  for (const l2 of model.l2Networks()) {
    const parent = l2.parent ? model.link(l2.parent) : undefined
    if (!l2.parent || !parent) continue
    const pools = ipv4Pools(l2)
    const inNetwork = (address: string) => pools.some((pool) => cidrContains(pool.subnet, address))
    const network = l2.network.name
    const endpoints = model.endpointsOf(l2.network).flatMap(({container, endpoint}) => (endpoint.ipv4 ? [{container, ip: bareAddress(endpoint.ipv4), mac: endpoint.mac}] : []))
    // A container that is not running steadily is neither probed nor anyone's peer: its silence would be blamed on the LAN.
    const live = endpoints.filter(({container}) => container.running)
    for (const {container} of live) noteUnsteady(container)
    const running = live.filter(({container}) => container.pid > 0 && !model.unsteadyReason(container))
    const gateway = pools.find((pool) => pool.gateway && inNetwork(pool.gateway))?.gateway
    const gateway6 = ipv6Pools(l2).find((pool) => pool.gateway && cidrContains(pool.subnet, pool.gateway))?.gateway
    const hostAddresses = [l2.parent, ...model.hostMacvlansOn(l2.parent).map((link) => link.name)].flatMap((name) => model.addressesOf(name).map((address) => address.local)).filter(inNetwork)

    // A container holding one of the host's own addresses would seem to answer from the host itself: ip-conflict reports it.
    const ownAddresses = new Set(model.data('addresses').map((address) => address.local))
    for (const {container, ip} of running) if (!ownAddresses.has(ip)) icmp.push({purpose: 'host-to-container', fromName: 'host', target: ip, network, container: container.name})
    if (gateway) icmp.push({purpose: 'host-to-gateway', fromName: 'host', target: gateway, network})
    for (const [index, {container, ip}] of running.entries()) {
      const from = {namespacePath: namespacePathOf(container), fromName: container.name, network, container: container.name}
      if (gateway) icmp.push({...from, purpose: 'container-to-gateway', target: gateway})
      if (gateway6 && !l2.network.internal) icmp.push({...from, purpose: 'container-to-gateway6', target: gateway6})
      for (const address of hostAddresses) icmp.push({...from, purpose: 'container-to-host', target: address})
      const peer = running[(index + 1) % running.length]
      if (peer && peer.ip !== ip) icmp.push({...from, purpose: 'container-to-peer', target: peer.ip})
    }

    const scratch = scratchByParent.get(l2.parent) ?? {parent: l2.parent, gateway, owners: []}
    scratch.gateway ??= gateway
    for (const {container, ip, mac} of endpoints) scratch.owners.push({address: ip, network, owner: `container ${container.name}`, ...(mac ? {expectedMac: mac.toLowerCase()} : {})})
    for (const pool of pools) {
      for (const [name, address] of Object.entries(pool.auxAddresses)) if (inNetwork(address)) scratch.owners.push({address, network, owner: `aux address "${name}"`})
    }
    scratchByParent.set(l2.parent, scratch)
  }
  if (icmp.length > MAX_TARGETS) {
    skipped.push({probe: 'icmp', reason: `${icmp.length - MAX_TARGETS} ICMP probes over the limit of ${MAX_TARGETS} were not sent`, purposes: [...new Set(icmp.slice(MAX_TARGETS).map((probe) => probe.purpose))]})
    icmp.length = MAX_TARGETS
  }
  return {icmp, scratch: [...scratchByParent.values()], skipped}
}

/**
 * Most addresses asked of the DHCP servers on one parent, besides those deciding Docker's ranges (two a range, and two
 * follow-ups): a server that pings first answers one every ~3 s.
 */
export const MAX_DHCP_QUESTIONS = 6

/**
 * The addresses to ask the DHCP servers on `parent` for (option 50), most decisive first: for each range of Docker's
 * the free addresses just below and above it (see DhcpQuestion's roles; a pool wholly inside the range shows in any
 * offer), the shim address the fix would use when it lies outside the range, each static container address, and as
 * follow-ups the free ends of the range. An address in use is never offered by a server that pings first, so for one
 * the free addresses on both sides are asked instead. Needs the networks, containers and host addresses only.
 */
export function dhcpQuestions(model: HostModel, parent: string): DhcpQuestion[] {
  const networks = model.l2Networks().filter((l2) => l2.parent === parent)
  const hostAddresses = new Set(model.data('addresses').map((address) => address.local))
  const inUse = new Set(hostAddresses)
  const held = new Set(hostAddresses)
  for (const l2 of networks) {
    for (const {container, endpoint} of model.endpointsOf(l2.network)) {
      const address = endpoint.ipv4 ? bareAddress(endpoint.ipv4) : endpoint.requestedIpv4
      if (!address) continue
      held.add(address)
      if (container.running) inUse.add(address)
    }
    for (const pool of ipv4Pools(l2)) {
      for (const address of [pool.gateway, ...Object.values(pool.auxAddresses)]) if (address) held.add(address)
      if (pool.gateway) inUse.add(pool.gateway)
    }
  }
  const questions: DhcpQuestion[] = []
  const ask = (question: DhcpQuestion) => {
    if (!questions.some((asked) => asked.address === question.address)) questions.push(question)
  }
  const others: DhcpQuestion[] = []
  const followUps: DhcpQuestion[] = []
  for (const l2 of networks) {
    const network = l2.network.name
    for (const pool of ipv4Pools(l2)) {
      const subnet = intervalOf(pool.subnet)
      const range = intervalOf(pool.allocatable)
      if (!subnet || !range) continue
      const free = (value: bigint) => value > subnet.first && value < subnet.last && !held.has(ipv4Text(value))
      // The free addresses just outside the range decide it: a contiguous pool that offers something outside the range
      // and reaches into it holds one of them. Only when one is offered back is the free end of the range beside it asked.
      const side = {network, range: pool.allocatable}
      const below = firstFree(range.first - 1n, -1n, subnet, free)
      const above = firstFree(range.last + 1n, 1n, subnet, free)
      const lowest = firstFree(range.first, 1n, range, free)
      const highest = firstFree(range.last, -1n, range, free)
      if (below !== undefined) ask({address: ipv4Text(below), why: `the free address just below Docker's range ${pool.allocatable}`, role: 'range-low', ...side})
      if (above !== undefined) ask({address: ipv4Text(above), why: `the free address just above Docker's range ${pool.allocatable}`, role: 'range-high', ...side})
      if (below !== undefined && lowest !== undefined) followUps.push({address: ipv4Text(lowest), why: `the lowest free address of Docker's range ${pool.allocatable}`, role: 'range-inside', after: ipv4Text(below), ...side})
      if (above !== undefined && highest !== undefined) followUps.push({address: ipv4Text(highest), why: `the highest free address of Docker's range ${pool.allocatable}`, role: 'range-inside', after: ipv4Text(above), ...side})
      const around = (address: string, what: string, extra: Pick<DhcpQuestion, 'role' | 'container'>) => {
        const value = ipv4Value(address)
        if (value === undefined || value <= subnet.first || value >= subnet.last) return
        if (!inUse.has(address)) return others.push({address, why: what, network, ...extra})
        for (const [step, side] of [[-1n, 'below'], [1n, 'above']] as const) {
          const beside = firstFree(value + step, step, subnet, free)
          if (beside !== undefined) others.push({address: ipv4Text(beside), why: `the free address ${side} ${what} (${address}, in use)`, network, beside: address, ...extra})
        }
      }
      // A shim address inside the range is judged with the range.
      const shim = shimPlan(model, l2)?.address
      if (shim && cidrContains(pool.subnet, shim) && !cidrContains(pool.allocatable, shim)) around(shim, 'the shim address the fix would use', {role: 'shim'})
      for (const {container, endpoint} of model.endpointsOf(l2.network)) {
        const address = endpoint.ipv4 ? bareAddress(endpoint.ipv4) : endpoint.requestedIpv4
        if (address && cidrContains(pool.subnet, address) && !cidrContains(pool.allocatable, address)) around(address, `container ${container.name}'s static address`, {role: 'static', container: container.name})
      }
    }
  }
  // The addresses beside the ranges are never left out (they decide dhcp-overlap); the rest fill what the bound leaves.
  for (const question of others) if (questions.length < MAX_DHCP_QUESTIONS) ask(question)
  for (const question of followUps) ask(question)
  return questions
}

/** The first value from `start`, moving by `step` within `bounds`, that `free` accepts (at most 256 tries). */
function firstFree(start: bigint, step: bigint, bounds: Interval, free: (value: bigint) => boolean): bigint | undefined {
  for (let value = start, tries = 0; value >= bounds.first && value <= bounds.last && tries < 256; value += step, tries++) if (free(value)) return value
  return undefined
}
