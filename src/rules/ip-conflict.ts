import {ADDRESSES_FACT} from '../engine/causal.js'
import type {Evidence, Finding, Rule, Subject} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import type {HostModel, L2Network} from '../model/host-model.js'
import {ipv4Pools} from '../model/host-model.js'
import {bareAddress, highestFreeAddress} from '../model/ip.js'
import {isAddressDerivedMac} from '../model/mac.js'
import type {ProbeRecord, ProbeResults} from '../probe/types.js'
import {notApplicable, onEachParent} from './support/common.js'
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
  const containerMacOf = (address: string) => claims.get(address)?.find((owner) => owner.what.startsWith('container'))?.mac
  for (const record of answersFor(probes, ['host-to-container'], {network: l2.network.name}).judged) {
    if (answeredByAnother(model, l2, record)) {
      const mac = containerMacOf(record.target)
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
  const dad = answersFor(probes, ['duplicate-address'], {network: l2.network.name, parent})
  const held = heldByOthers(dad.judged)
  const macOf = new Map(model.endpointsOf(l2.network).map(({container, endpoint}) => [container.name, endpoint.mac?.toLowerCase()]))
  for (const [address, {container, macs, from}] of held) {
    const twin = macs.includes(macOf.get(container) ?? '') ? `; that is ${container}'s own MAC, as a container of a second Docker host with the same range gets it` : ''
    conflicts.set(address, `${address} (container ${container}) is also held by ${macs.join(', ')}: proven by duplicate address detection (ARP with sender 0.0.0.0) ${from.join(' and ')}, which only another device answers${twin}`)
  }
  const dadRecords = [...dad.judged, ...dad.errored]
  const evidence = {
    facts: {addresses: [...mine], conflicts: [...conflicts.values()], [ADDRESSES_FACT]: [...conflicts.keys()], ...(answered.length + answers.errored.length + dadRecords.length > 0 ? probeFacts([...answered, ...answers.errored, ...dadRecords]) : {})},
    commands: [sh`docker network inspect ${l2.network.name}`, 'ip -br addr show', sh`ip neigh show dev ${parent}`, ...new Set([...answered, ...dadRecords].map((record) => record.command))],
  }
  if (conflicts.size > 0) {
    const found = [...held.values()].flatMap(({macs}) => macs)
    const summary = found.length > 0 ? `${findTheHolder(found)} Then give one of them another address, and keep Docker's range clear of the LAN and of other Docker hosts with --ip-range and --aux-address (see no-ip-range).` : "Give the container another address, and keep Docker's range clear of the LAN with --ip-range and --aux-address (see no-ip-range)."
    return {
      outcome: 'fail',
      subject,
      message: `Address conflict: ${[...conflicts.values()].join('; ')}. Two devices with one address break both, intermittently.`,
      evidence,
      fix: {summary, commands: reassignCommands(model, l2, claims, new Set(conflicts.keys()))},
    }
  }
  const parentReachesLan = answersFor(probes, ['mac-filter-host'], {parent}).judged.some((record) => record.outcome === 'reply')
  return noConflict(subject, evidence, running(model, l2), dad, answers, parent, parentReachesLan, probes !== undefined)
}

interface Held {
  container: string
  macs: string[]
  /** Where the answered requests were sent from, in words. */
  from: string[]
}

/** Every container address someone answered duplicate address detection for, with the MACs and where it was asked from. */
function heldByOthers(records: ProbeRecord[]): Map<string, Held> {
  const held = new Map<string, Held>()
  for (const record of records.filter((candidate) => candidate.outcome === 'reply')) {
    const seen = held.get(record.target) ?? {container: record.container ?? '?', macs: [], from: []}
    const from = record.from.namespace === 'host' ? `from ${record.from.interface} (the host's own MAC, which the container never hears)` : `from inside container ${record.from.namespace}'s own namespace`
    held.set(record.target, {...seen, macs: [...new Set([...seen.macs, ...(record.replies ?? []).map((reply) => reply.mac)])], from: [...seen.from, from]})
  }
  return held
}

function findTheHolder(macs: string[]): string {
  const docker = macs.some((mac) => mac.startsWith('02:42:'))
  return `Find the other holder of the address by its MAC ${[...new Set(macs)].join(', ')}: in the router's ARP or DHCP lease table, the switch's MAC address table, or \`ip neigh\` on the other machines.${docker ? ' A MAC that starts with 02:42: is a Docker container\'s: look for another Docker host on this LAN whose macvlan network hands out the same range (`docker network inspect` there).' : ''}`
}

/** The running containers of `l2` and their IPv4 addresses: the addresses someone could be using twice right now. */
function running(model: HostModel, l2: L2Network): Array<{container: string; address: string}> {
  return model.endpointsOf(l2.network).flatMap(({container, endpoint}) => (container.running && endpoint.ipv4 ? [{container: container.name, address: bareAddress(endpoint.ipv4)}] : []))
}

const TO_PROVE = "run the doctor as root with its probes: duplicate address detection (arping -D) finds any other device holding a container's address, whatever its MAC"

/**
 * No conflict was found: a pass only where duplicate address detection proved it. A request from the parent that nobody
 * answered proves no other device holds the address once the parent is shown to reach the LAN (the gateway answered its
 * own ARP): the container itself never hears it.
 */
function noConflict(subject: Subject, evidence: Evidence, addresses: Array<{container: string; address: string}>, dad: ProbeAnswers, owners: ProbeAnswers, parent: string, parentReachesLan: boolean, probed: boolean): Finding {
  const seen = 'No address of this network is claimed twice as far as the host can see'
  if (addresses.length === 0) return {...notApplicable(subject, `${seen}, and no running container holds one now.`), evidence}
  const fromParent = (address: string) => dad.judged.filter((record) => record.target === address && record.from.namespace === 'host')
  const proven = addresses.filter(({address}) => parentReachesLan && fromParent(address).some((record) => record.outcome === 'no-reply'))
  const named = (some: typeof addresses) => some.map(({container, address}) => `${address} (${container})`).join(', ')
  if (proven.length === addresses.length) {
    const requests = Math.min(...dad.judged.map((record) => record.sent ?? 1))
    return {outcome: 'pass', subject, message: `Proven by duplicate address detection: no other device answered for ${named(proven)}, asked ${requests > 1 ? `${requests} times each` : 'each'} with sender 0.0.0.0 from ${parent} (the host's own MAC, which the containers never hear, and the gateway answered it) and from inside each container.`, evidence}
  }
  const open = addresses.filter((entry) => !proven.includes(entry))
  const dadRan = dad.judged.length + dad.errored.length > 0
  const unasked = unaskedText({...dad, notRun: dad.notRun.filter((skip) => skip.container === undefined || open.some(({container}) => container === skip.container))})
  const why = [
    ...(unasked ? [unasked] : []),
    ...(dadRan && !parentReachesLan ? [`nobody answered from ${parent}, but the gateway did not answer ${parent}'s own ARP either, so nothing shows the requests reached the LAN`] : []),
  ]
  if (why.length > 0) return {outcome: 'skip', skipKind: 'missing-data', subject, message: `Not proven for ${named(open)}: ${why.join('; ')}. To prove it, ${TO_PROVE}.`, evidence}
  const arp = owners.judged.some((record) => record.outcome === 'reply') ? 'ARP from a throw-away MAC got one MAC per address, as it would from a twin with the same MAC too' : owners.judged.length > 0 ? 'no ARP answer came at all' : 'no ARP was sent'
  return {...notApplicable(subject, `${seen}, but that is not proof for ${named(open)}: ${arp}, and no duplicate address detection ran${probed ? '' : ' (--no-probe, or a replayed snapshot)'}. To prove it, ${TO_PROVE}.`), evidence}
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
  meta: {id: 'ip-conflict', code: 'MVD011', title: 'No address is used twice', severity: 'fail', requires: ['links', 'addresses', 'routes', 'neighbours', 'networks', 'containers'], probes: ['address-owners', 'host-to-container', 'duplicate-address', 'mac-filter-host']},
  evaluate: ({model, probes}) => {
    // Every network on a parent shares its claims: gathered once per parent, not once per network.
    const claimsByParent = new Map<string, Map<string, Owner[]>>()
    const claimsFor = (parent: string) => claimsByParent.get(parent) ?? claimsByParent.set(parent, claimsOn(model, parent)).get(parent) ?? new Map<string, Owner[]>()
    return onEachParent(model, (l2, parent) => judge(model, l2, parent.name, probes, claimsFor(parent.name)))
  },
}
