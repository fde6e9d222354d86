import {ADDRESSES_FACT} from '../engine/causal.js'
import type {Finding, Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import type {HostModel, L2Network} from '../model/host-model.js'
import {ipv4Pools} from '../model/host-model.js'
import {bareAddress, highestFreeAddress} from '../model/ip.js'
import {isAddressDerivedMac} from '../model/mac.js'
import type {ProbeResults} from '../probe/types.js'
import {onEachParent} from './support/common.js'
import {answeredByAnother, answersFor, probeFacts, unaskedText, type ProbeAnswers} from './support/probe-evidence.js'

interface Owner {
  what: string
  mac?: string
}

/** Every IPv4 address on `parent`'s L2 that someone claims: containers of every network on it, Docker's gateways and aux addresses, the host. */
function claimsOn(model: HostModel, parent: string): Map<string, Owner[]> {
  const claims = new Map<string, Owner[]>()
  const claim = (address: string, owner: Owner) => claims.set(address, [...(claims.get(address) ?? []), owner])
  for (const l2 of model.l2Networks().filter((candidate) => candidate.parent === parent)) {
    for (const {container, endpoint} of model.endpointsOf(l2.network)) if (endpoint.ipv4) claim(bareAddress(endpoint.ipv4), {what: `container ${container.name}`, mac: endpoint.mac})
    for (const pool of ipv4Pools(l2)) {
      if (pool.gateway) claim(pool.gateway, {what: `the gateway of ${l2.network.name}`})
      for (const [name, address] of Object.entries(pool.auxAddresses)) claim(address, {what: `aux address "${name}" of ${l2.network.name}`})
    }
  }
  const hostLinks = new Set([parent, ...model.hostMacvlansOn(parent).map((link) => link.name)])
  for (const name of hostLinks) for (const address of model.addressesOf(name)) claim(address.local, {what: `the host (${name})`, mac: model.link(name)?.mac})
  return claims
}

/** A gateway or aux address is meant to be someone else's: only containers and the host may not share. */
const exclusive = (owner: Owner) => owner.what.startsWith('container') || owner.what.startsWith('the host')

function judge(model: HostModel, l2: L2Network, parent: string, probes: ProbeResults | undefined, claims: Map<string, Owner[]>): Finding {
  const subject = {network: l2.network.name, interface: parent}
  const mine = new Set(model.endpointsOf(l2.network).flatMap(({endpoint}) => (endpoint.ipv4 ? [bareAddress(endpoint.ipv4)] : [])))
  const conflicts = new Map<string, string>()
  for (const address of mine) {
    const owners = claims.get(address) ?? []
    if (owners.length > 1 && owners.filter(exclusive).length >= 1) conflicts.set(address, `${address} is claimed by ${owners.map((owner) => owner.what).join(' and ')}`)
    const containerMac = owners.find((owner) => owner.what.startsWith('container'))?.mac
    const neighbour = model.data('neighbours').find((entry) => entry.dst === address && entry.lladdr && entry.dev === parent)
    if (neighbour?.lladdr && containerMac && neighbour.lladdr.toLowerCase() !== containerMac.toLowerCase()) {
      conflicts.set(address, `${address} answers ARP from ${neighbour.lladdr}, not from ${owners[0]?.what}'s ${containerMac}: another LAN device holds it`)
    }
  }
  const macOf = (address: string) => claims.get(address)?.find((owner) => owner.what.startsWith('container'))?.mac
  for (const record of answersFor(probes, ['host-to-container'], {network: l2.network.name}).judged) {
    if (answeredByAnother(model, l2, record)) {
      const mac = macOf(record.target)
      const sameMac = isAddressDerivedMac(mac, record.target) ? `, and, on an engine older than 28.0, the same MAC ${mac} that this container got from its address` : ', with a MAC of its own'
      conflicts.set(record.target, `${record.target} (container ${record.container}) answered the host's ping through ${parent} itself, which the container's own link never does: another device on the LAN holds it (a second Docker host with the same range gives the same address${sameMac})`)
    }
  }
  const answers = answersFor(probes, ['address-owners'], {network: l2.network.name, parent})
  const answered = answers.judged
  // With the kernel's default arp_ignore=0 every host interface on the L2 answers for every host address (ARP flux):
  // several host MACs answering for a host address is the same device, not a conflict.
  const hostMacs = new Set(model.data('links').flatMap((link) => (link.mac ? [link.mac.toLowerCase()] : [])))
  for (const record of answered) {
    const claimants = claims.get(record.target) ?? []
    const hostOwned = claimants.some((owner) => owner.what.startsWith('the host'))
    const macs = (record.replies ?? []).map((reply) => reply.mac).filter((mac) => !(hostOwned && hostMacs.has(mac)))
    if (macs.length === 0) continue
    const expected = new Set(claimants.flatMap((owner) => (owner.mac ? [owner.mac.toLowerCase()] : [])))
    const strangers = macs.filter((mac) => !expected.has(mac))
    const who = claimants.map((owner) => owner.what).join(' and ') || 'Docker'
    if (macs.length > 1) conflicts.set(record.target, `${record.target} (${who}) is answered by ${macs.length} MACs: ${macs.join(', ')}`)
    else if (strangers.length > 0) conflicts.set(record.target, `${record.target} (${who}) is answered by ${strangers.join(', ')}, ${expected.size > 0 ? 'not by its own MAC' : 'a LAN device using an address Docker reserved'}`)
  }
  const evidence = {
    facts: {addresses: [...mine], conflicts: [...conflicts.values()], [ADDRESSES_FACT]: [...conflicts.keys()], ...(answered.length + answers.errored.length > 0 ? probeFacts([...answered, ...answers.errored]) : {})},
    commands: [sh`docker network inspect ${l2.network.name}`, 'ip -br addr show', sh`ip neigh show dev ${parent}`, ...new Set(answered.map((record) => record.command))],
  }
  if (conflicts.size === 0) return {outcome: 'pass', subject, message: noConflictMessage(answers, macOf), evidence}
  return {
    outcome: 'fail',
    subject,
    message: `Address conflict: ${[...conflicts.values()].join('; ')}. Two devices with one address break both, intermittently.`,
    evidence,
    fix: {summary: 'Give the container another address, and keep Docker\'s range clear of the LAN with --ip-range and --aux-address (see no-ip-range).', commands: reassignCommands(model, l2, claims, new Set(conflicts.keys()))},
  }
}

/** What the ARP probe proved when it found no conflict: only the addresses that answered prove anything. */
function noConflictMessage(answers: ProbeAnswers, macOf: (address: string) => string | undefined): string {
  const replied = answers.judged.filter((record) => record.outcome === 'reply')
  const silent = answers.judged.filter((record) => record.outcome === 'no-reply').map((record) => record.target)
  const unasked = unaskedText(answers)
  const probed = answers.judged.length + answers.errored.length
  const rest = [
    ...(silent.length > 0 ? [`${silent.length} got no ARP answer at all (${silent.join(', ')}), which proves nothing about them`] : []),
    ...(unasked ? [unasked] : []),
  ]
  // A second Docker host that also derives MACs from addresses answers from the very MAC ours does: one MAC proves less then.
  const derived = replied.some((record) => isAddressDerivedMac(macOf(record.target), record.target))
    ? ' The containers answered from the MACs Docker before 28.0 derives from their addresses (02:42 and the address): a second Docker host of such an engine with the same range would answer from the very same MAC, which ARP cannot tell apart.'
    : ''
  if (replied.length > 0) return `Proven for ${replied.length} of the ${probed} addresses Docker owns here: each answered ARP from one MAC only.${rest.length > 0 ? ` ${rest.join('; ')}.` : ''}${derived}`
  const seen = 'No address of this network is claimed twice as far as the host can see'
  if (rest.length > 0) return `${seen}; the ARP probe on the LAN proves nothing: ${rest.join('; ')}.`
  return `${seen} (the ARP probe checks the LAN).`
}

/** Moves each conflicting container to the highest address of its network's range that nobody claims. */
function reassignCommands(model: HostModel, l2: L2Network, claims: Map<string, Owner[]>, conflicted: Set<string>): string[] {
  const pool = ipv4Pools(l2)[0]
  if (!pool) return []
  const taken = new Set(claims.keys())
  return model.endpointsOf(l2.network).flatMap(({container, endpoint}) => {
    const address = endpoint.ipv4 ? bareAddress(endpoint.ipv4) : undefined
    if (!address || !conflicted.has(address)) return []
    const free = highestFreeAddress(pool.allocatable, taken, !pool.ipRange)
    if (!free) return []
    taken.add(free)
    return [sh`docker network disconnect ${l2.network.name} ${container.name}`, sh`docker network connect --ip ${free} ${l2.network.name} ${container.name}`]
  })
}

export const ipConflict: Rule = {
  meta: {id: 'ip-conflict', code: 'MVD011', title: 'No address is used twice', severity: 'fail', requires: ['links', 'addresses', 'routes', 'neighbours', 'networks', 'containers'], probes: ['address-owners', 'host-to-container']},
  evaluate: ({model, probes}) => {
    // Every network on a parent shares its claims: gathered once per parent, not once per network.
    const claimsByParent = new Map<string, Map<string, Owner[]>>()
    const claimsFor = (parent: string) => claimsByParent.get(parent) ?? claimsByParent.set(parent, claimsOn(model, parent)).get(parent) ?? new Map<string, Owner[]>()
    return onEachParent(model, (l2, parent) => judge(model, l2, parent.name, probes, claimsFor(parent.name)))
  },
}
