import type {Finding, Fix, FixAction, Rule} from '../engine/types.js'
import {sh, shellLine} from '../exec/quote.js'
import {recreateNetworkCommands} from '../remedy/docker-commands.js'
import type {HostModel, L2Network} from '../model/host-model.js'
import {shimNameFor} from '../remedy/persistence.js'
import {bareAddress, cidrContains, highestFreeAddress} from '../model/ip.js'
import type {ProbeRecord, ProbeResults} from '../probe/types.js'
import {downReason, noParent, notApplicable} from './support/common.js'
import {answeredByAnother, answersFor, describe, probeFacts, unaskedText} from './support/probe-evidence.js'

export interface ShimPlan {
  address: string
  /** What to route through the shim: the ip-range, or each container's /32 when there is no range (never the whole LAN subnet). */
  routes: string[]
  /** False when the address is only free today: Docker must be told to keep it (--aux-address). */
  reserved: boolean
}

/**
 * The address and route a shim for `l2` should use: the network's aux address when it has one, otherwise the highest
 * address of its range that nothing uses now (which then has to be reserved), and the ip-range (or subnet) to route.
 */
export function shimPlan(model: HostModel, l2: L2Network): ShimPlan | undefined {
  const config = l2.ipam.find((candidate) => !candidate.subnet.includes(':'))
  if (!config) return undefined
  const range = config.ipRange ?? config.subnet
  const containerIps = model.endpointsOf(l2.network).flatMap(({endpoint}) => (endpoint.ipv4 ? [bareAddress(endpoint.ipv4)] : []))
  const hostAddresses = new Set(model.data('addresses').map((address) => address.local))
  // A container holding one of the host's own addresses is ip-conflict's to report; routing it away would cut the host off.
  const routes = config.ipRange ? [config.ipRange] : containerIps.filter((ip) => !hostAddresses.has(ip)).map((ip) => `${ip}/32`)
  const aux = Object.values(config.auxAddresses).find((address) => cidrContains(range, address)) ?? Object.values(config.auxAddresses)[0]
  if (aux) return {address: aux, routes, reserved: true}
  const taken = new Set([...(config.gateway ? [config.gateway] : []), ...containerIps, ...hostAddresses])
  const free = highestFreeAddress(range, taken, !config.ipRange)
  return free ? {address: free, routes, reserved: false} : undefined
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

export function shimFix(model: HostModel, l2: L2Network, parent: string): Fix {
  const summary = `Create a bridge-mode macvlan shim on ${parent} with a reserved address and route the containers through it.`
  const plan = shimPlan(model, l2)
  const shim = shimName(l2)
  if (!plan) return {summary, commands: [shellLine(['ip', 'link', 'add', shim, 'link', parent, 'type', 'macvlan', 'mode', 'bridge'])]}
  const actions = shimActions(plan, shim, parent)
  const commands = actions.map((action) => shellLine(action.run))
  const done = {summary, commands, actions, shim: {name: shim, parent, mode: 'bridge', addresses: [`${plan.address}/32`], routes: plan.routes}}
  if (plan.reserved) return done
  const reserve = [`# ${plan.address} is free now; reserve it so Docker never hands it out:`, ...recreateNetworkCommands(l2, model.containerNames(l2.network), {aux: {shim: plan.address}})]
  return {...done, commands: [...commands, ...reserve], freeAddress: {address: plan.address, parent}}
}

/** Packets outrank the routing table: a host that reached every container is not isolated, one that reached none is. */
function withProbes(finding: Finding, model: HostModel, l2: L2Network, probes: ProbeResults | undefined): Finding {
  if (finding.outcome === 'skip') return finding
  const answers = answersFor(probes, ['host-to-container'], {network: l2.network.name})
  const unasked = unaskedText(answers)
  const records = answers.judged
  const notProbed = unasked ? ` Some containers were ${unasked}.` : ''
  const evidence = {facts: {...finding.evidence?.facts, ...probeFacts([...records, ...answers.errored])}, commands: finding.evidence?.commands ?? []}
  if (records.length === 0) return unasked ? {...finding, message: `${finding.message} Reachability ${unasked}.`, evidence} : finding
  const failed = records.filter((record) => record.outcome === 'no-reply' || answeredByAnother(model, l2, record))
  if (failed.length === 0) {
    // What the routes say stands for the containers no probe answered for.
    if (unasked && finding.outcome !== 'pass') return {...finding, message: `${finding.message} The host reached only ${records.map(describe).join('; ')}.${notProbed}`, evidence}
    return {outcome: 'pass', subject: finding.subject, message: `Proven: the host reached ${records.map((record) => record.container).join(', ')} (${records.map(describe).join('; ')}).${notProbed}`, evidence}
  }
  const told = (record: ProbeRecord) =>
    answeredByAnother(model, l2, record) ? `${describe(record)}, but through ${l2.parent} itself, which the container's own link never answers: another device holds ${record.target} (see ip-conflict)` : describe(record)
  const proof = `Confirmed by probes: ${failed.map(told).join('; ')}.`
  if (finding.outcome === 'pass') {
    return {outcome: 'fail', subject: finding.subject, message: `The routes point at a path to the containers, but it does not work: ${proof}${notProbed}`, evidence, symptoms: ['unreachable']}
  }
  return {...finding, message: `${finding.message} ${proof}${notProbed}`, evidence, symptoms: [...(finding.symptoms ?? []), 'unreachable']}
}

function judge(model: HostModel, l2: L2Network): Finding | undefined {
  const subject = {network: l2.network.name, interface: l2.parent}
  if (l2.driver !== 'macvlan') return undefined
  if (!l2.parent) return noParent(subject)
  const parent = model.link(l2.parent)
  if (!parent) return notApplicable(subject, `Parent ${l2.parent} does not exist: see parent-missing.`)
  const addresses = model.endpointsOf(l2.network).flatMap(({container, endpoint}) => (endpoint.ipv4 ? [{container: container.name, ip: bareAddress(endpoint.ipv4)}] : []))
  if (addresses.length === 0) return notApplicable(subject, 'No container on this network has an address yet.')
  const shims = new Set(model.hostMacvlansOn(l2.parent).map((link) => link.name))
  const paths = addresses.map(({container, ip}) => ({container, ip, route: model.routeTo(ip)}))
  const isolated = paths.filter(({route}) => route?.dev === l2.parent)
  const unrouted = paths.filter(({route}) => !route)
  const facts = {parent: l2.parent, shims: [...shims], paths: paths.map(({container, ip, route}) => ({container, ip, via: route?.dev ?? 'no route'}))}
  const commands = [sh`ip route get ${isolated[0]?.ip ?? paths[0]?.ip ?? ''}`, 'ip -d link show type macvlan']
  const names = (some: typeof paths) => some.map(({container}) => container).join(', ')
  if (unrouted.length > 0) {
    // No route is no path, whatever else is wrong: never "reached through another interface".
    const down = downReason(parent)
    const why = down ? `their parent ${l2.parent} is ${down}, and its routes went down with it` : 'no route in its main table covers their addresses'
    const shim = shims.size === 0 ? {message: ' Add a macvlan shim on the host.', symptoms: ['no-shim'], fix: shimFix(model, l2, l2.parent)} : {message: '', symptoms: []}
    return {outcome: 'warn', subject, message: `The host has no route to ${names(unrouted)} at all: ${why}.${shim.message}`, evidence: {facts, commands}, symptoms: shim.symptoms, ...(shim.fix ? {fix: shim.fix} : {})}
  }
  if (isolated.length === 0) {
    const viaShim = paths.every(({route}) => route?.dev && shims.has(route.dev))
    const devices = [...new Set(paths.map(({route}) => route?.dev ?? ''))].join(', ')
    return {
      outcome: 'pass',
      subject,
      message: viaShim ? `The host's route to its containers goes through the shim ${devices}.` : `The host's route to its containers leaves through ${devices}, not through their parent.`,
      evidence: {facts, commands},
    }
  }
  const unreachable = `The host cannot reach ${names(isolated)} (and they cannot reach the host): traffic to them leaves through their own parent ${l2.parent}, and macvlan does not pass frames between a parent and its children.`
  if (shims.size > 0) {
    return {outcome: 'warn', subject, message: `${unreachable} The shim ${[...shims].join(', ')} does not carry that traffic.`, evidence: {facts, commands}, symptoms: ['shim-bypassed']}
  }
  return {
    outcome: 'warn',
    subject,
    message: `${unreachable} Add a macvlan shim on the host.`,
    evidence: {facts, commands},
    symptoms: ['no-shim'],
    fix: shimFix(model, l2, l2.parent),
  }
}

export const hostIsolation: Rule = {
  meta: {
    id: 'host-isolation',
    code: 'MVD001',
    title: 'The host can reach its macvlan containers',
    severity: 'warn',
    requires: ['links', 'routes', 'networks', 'containers'],
    probes: ['host-to-container'],
    // A missing shim is a problem of its own: nothing upstream explains it.
    causedBy: [
      {id: 'parent-down', on: 'network', explains: ['unreachable']},
      {id: 'shim-incomplete', on: 'network', explains: ['shim-bypassed', 'unreachable']},
      {id: 'macvlan-mode', on: 'network', explains: ['unreachable']},
    ],
  },
  evaluate: ({model, probes}) =>
    model.l2Networks().flatMap((l2) => {
      const finding = judge(model, l2)
      return finding ? [withProbes(finding, model, l2, probes)] : []
    }),
}
