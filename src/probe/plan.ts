/**
 * Which packets to send, decided from the snapshot alone (pure, so the safety rules are unit-tested): every target is an
 * address inside a subnet of a macvlan/ipvlan network, probed only through that network's parent or its containers.
 */
import {namespacePathOf} from '../collect/docker.js'
import {ipv4Pools, type HostModel} from '../model/host-model.js'
import {bareAddress, cidrContains} from '../model/ip.js'
import type {ProbePurpose, ProbeSkip} from './types.js'

export interface IcmpProbe {
  purpose: ProbePurpose
  /** `undefined` for the host's own namespace. */
  namespacePath?: string
  fromName: string
  target: string
  network: string
  container?: string
}

export interface AddressOwner {
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

export interface ProbePlan {
  icmp: IcmpProbe[]
  scratch: ScratchProbe[]
  skipped: ProbeSkip[]
}

/** Upper bound on packets of one kind per run, whatever the host looks like. */
export const MAX_TARGETS = 1024

export function planProbes(model: HostModel): ProbePlan {
  const icmp: IcmpProbe[] = []
  const scratchByParent = new Map<string, ScratchProbe>()
  const skipped: ProbeSkip[] = []
  for (const l2 of model.l2Networks()) {
    const parent = l2.parent ? model.link(l2.parent) : undefined
    if (!l2.parent || !parent) continue
    const pools = ipv4Pools(l2)
    const inNetwork = (address: string) => pools.some((pool) => cidrContains(pool.subnet, address))
    const network = l2.network.name
    const endpoints = model.endpointsOf(l2.network).flatMap(({container, endpoint}) => (endpoint.ipv4 ? [{container, ip: bareAddress(endpoint.ipv4), mac: endpoint.mac}] : []))
    const running = endpoints.filter(({container}) => container.running && container.pid > 0)
    const gateway = pools.find((pool) => pool.gateway && inNetwork(pool.gateway))?.gateway
    const hostAddresses = [l2.parent, ...model.hostMacvlansOn(l2.parent).map((link) => link.name)].flatMap((name) => model.addressesOf(name).map((address) => address.local)).filter(inNetwork)

    // A container holding one of the host's own addresses would seem to answer from the host itself: ip-conflict reports it.
    const ownAddresses = new Set(model.data('addresses').map((address) => address.local))
    for (const {container, ip} of running) if (!ownAddresses.has(ip)) icmp.push({purpose: 'host-to-container', fromName: 'host', target: ip, network, container: container.name})
    if (gateway) icmp.push({purpose: 'host-to-gateway', fromName: 'host', target: gateway, network})
    for (const [index, {container, ip}] of running.entries()) {
      const from = {namespacePath: namespacePathOf(container), fromName: container.name, network, container: container.name}
      if (gateway) icmp.push({...from, purpose: 'container-to-gateway', target: gateway})
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
    skipped.push({probe: 'icmp', reason: `${icmp.length - MAX_TARGETS} ICMP probes over the limit of ${MAX_TARGETS} were not sent`})
    icmp.length = MAX_TARGETS
  }
  return {icmp, scratch: [...scratchByParent.values()], skipped}
}
