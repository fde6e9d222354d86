import type {Finding, Fix, FixAction, Rule, RuleSettings} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import type {HostModel, L2Network} from '../model/host-model.js'
import {bareAddress, cidrContains} from '../model/ip.js'
import {shimSpecOf, type ShimSpec} from '../remedy/persistence.js'
import {freeAddressOf, reservationCommands, shimPlan} from '../remedy/shim.js'
import type {Link} from '../snapshot/types.js'
import {noParent, notApplicable} from './support/common.js'

/** Something about `shim` that is not as it should be, one per entry. */
interface Problem {
  problem: string
  /**
   * `blocks`: the host cannot reach the containers through this shim. `risk`: it works today, but will not stay so or
   * is not needed (an address a future container may take; a second shim beside one that already carries the traffic).
   */
  kind: 'blocks' | 'risk'
  fix: string[]
  /** Present when the remedy is a safe runtime change. */
  actions?: FixAction[]
  /** What those actions add to the shim. */
  adds?: Partial<Pick<ShimSpec, 'addresses' | 'routes'>>
}

/** A shim that can carry traffic: up, in bridge mode, with an IPv4 address. */
const works = (model: HostModel, link: Link) => link.flags.includes('UP') && link.mode === 'bridge' && model.addressesOf(link.name).length > 0

function routeProblems(model: HostModel, l2: L2Network, shim: Link, routes: string[]): Problem[] {
  const containerIps = model.endpointsOf(l2.network).flatMap(({endpoint}) => (endpoint.ipv4 ? [bareAddress(endpoint.ipv4)] : []))
  const missed = containerIps.filter((ip) => model.routeTo(ip)?.dev !== shim.name)
  if (missed.length === 0) return []
  const carriers = new Set(missed.map((ip) => model.routeTo(ip)?.dev))
  const [carrier] = [...carriers]
  const other = carriers.size === 1 && carrier ? model.hostMacvlansOn(shim.parent ?? '').find((link) => link.name === carrier && link.name !== shim.name) : undefined
  if (other && works(model, other)) {
    return [{problem: `is redundant: the host already reaches ${missed.join(', ')} through the shim ${other.name}`, kind: 'risk', fix: [sh`ip link del ${shim.name}`]}]
  }
  const existing = new Set(model.data('routes').filter((route) => route.table === 'main').map((route) => route.dst))
  const needed = routes.filter((route) => missed.some((ip) => cidrContains(route, ip)))
  // Adding a route that exists (through another link) fails with "File exists": replacing it is a person's decision.
  const taken = needed.filter((route) => existing.has(route))
  const free = needed.filter((route) => !existing.has(route))
  return [
    {
      problem: `is not the route to ${missed.join(', ')}`,
      kind: 'blocks',
      fix: [...free.map((route) => sh`ip route add ${route} dev ${shim.name}`), ...taken.map((route) => sh`ip route replace ${route} dev ${shim.name}`)],
      ...(taken.length === 0 ? {actions: free.map((route) => ({run: ['ip', 'route', 'add', route, 'dev', shim.name], undo: ['ip', 'route', 'del', route, 'dev', shim.name]})), adds: {routes: free}} : {}),
    },
  ]
}

function problemsOf(model: HostModel, l2: L2Network, shim: Link, settings: RuleSettings): Problem[] {
  const problems: Problem[] = []
  const plan = shimPlan(model, l2, settings.dhcpRanges)
  if (!shim.flags.includes('UP')) problems.push({problem: 'is down', kind: 'blocks', fix: [sh`ip link set ${shim.name} up`], actions: [{run: ['ip', 'link', 'set', shim.name, 'up'], undo: ['ip', 'link', 'set', shim.name, 'down']}]})
  if (shim.mode !== 'bridge') problems.push({problem: `is in ${shim.mode ?? 'unknown'} mode, and only bridge mode passes frames to sibling macvlans`, kind: 'blocks', fix: [sh`ip link del ${shim.name}`, sh`ip link add ${shim.name} link ${shim.parent ?? ''} type macvlan mode bridge`]})
  const addresses = model.addressesOf(shim.name)
  if (addresses.length === 0 && plan) {
    problems.push({
      problem: 'has no IPv4 address',
      kind: 'blocks',
      fix: [sh`ip addr add ${plan.address}/32 dev ${shim.name}`],
      actions: [{run: ['ip', 'addr', 'add', `${plan.address}/32`, 'dev', shim.name], undo: ['ip', 'addr', 'del', `${plan.address}/32`, 'dev', shim.name]}],
      adds: {addresses: [`${plan.address}/32`]},
    })
  } else if (addresses.length === 0) problems.push({problem: 'has no IPv4 address', kind: 'blocks', fix: []})
  problems.push(...routeProblems(model, l2, shim, plan?.routes ?? []))
  const reserved = new Set(l2.ipam.flatMap((config) => Object.values(config.auxAddresses)))
  for (const {local} of addresses) {
    const allocatable = l2.ipam.find((config) => cidrContains(config.ipRange ?? config.subnet, local))
    if (allocatable && !reserved.has(local)) {
      problems.push({problem: `uses ${local}, which Docker may give to a future container (it is in ${allocatable.ipRange ?? allocatable.subnet} and not reserved)`, kind: 'risk', fix: reservationCommands(model, l2, local)})
    }
  }
  return problems
}

/** The shim as it will be once every action has run (what persistence must recreate), and the address it takes unreserved. */
function completed(model: HostModel, l2: L2Network, shim: Link, problems: Problem[], settings: RuleSettings): Pick<Fix, 'shim' | 'freeAddress'> {
  const current = shimSpecOf(model, shim.name)
  if (!current) return {}
  const addresses = problems.flatMap((problem) => problem.adds?.addresses ?? [])
  const routes = problems.flatMap((problem) => problem.adds?.routes ?? [])
  // What the shim has already is not added again: the unit would fail on its second `ip route add`.
  const spec = {...current, addresses: [...new Set([...current.addresses, ...addresses])], routes: [...new Set([...current.routes, ...routes])]}
  const plan = shimPlan(model, l2, settings.dhcpRanges)
  if (addresses.length > 0 && plan && shim.parent) return {shim: spec, freeAddress: freeAddressOf(plan, shim.parent)}
  return {shim: spec}
}

function finding(model: HostModel, l2: L2Network, shim: Link, settings: RuleSettings): Finding {
  const problems = problemsOf(model, l2, shim, settings)
  const subject = {network: l2.network.name, interface: shim.name}
  const evidence = {
    facts: {shim: shim.name, parent: shim.parent, mode: shim.mode, flags: shim.flags, addresses: model.addressesOf(shim.name).map((a) => `${a.local}/${a.prefixlen}`), routes: model.data('routes').filter((route) => route.dev === shim.name && route.table === 'main').map((route) => route.dst)},
    commands: [sh`ip -d addr show dev ${shim.name}`, sh`ip route show dev ${shim.name}`],
  }
  if (problems.length === 0) return {outcome: 'pass', subject, message: `Shim ${shim.name} is up, in bridge mode, addressed and routed.`, evidence}
  const blocking = problems.filter((problem) => problem.kind === 'blocks')
  if (blocking.length === 0) {
    return {
      outcome: 'warn',
      subject,
      message: `Shim ${shim.name} carries the host's traffic to the containers on ${l2.network.name}, but ${problems.map(({problem}) => problem).join('; ')}.`,
      evidence,
      fix: {summary: `Reserve the address of ${shim.name}, or remove it if it is redundant.`, commands: problems.flatMap(({fix}) => fix)},
    }
  }
  // Applied only when every blocking problem has a safe runtime remedy; a mode change or a route replacement needs a person.
  const actionable = blocking.every((problem) => problem.actions)
  return {
    outcome: 'fail',
    subject,
    message: `Shim ${shim.name} ${blocking.map(({problem}) => problem).join('; ')}: the host still cannot reach the containers on ${l2.network.name}.${blocking.length < problems.length ? ` Also, it ${problems.filter((problem) => problem.kind === 'risk').map(({problem}) => problem).join('; ')}.` : ''}`,
    evidence,
    fix: {
      summary: `Finish the shim ${shim.name}.`,
      commands: problems.flatMap(({fix}) => fix),
      ...(actionable ? {actions: blocking.flatMap((problem) => problem.actions ?? []), ...completed(model, l2, shim, blocking, settings)} : {}),
    },
  }
}

function judge(model: HostModel, l2: L2Network, settings: RuleSettings): Finding[] {
  const subject = {network: l2.network.name, interface: l2.parent}
  if (!l2.parent) return [noParent(subject)]
  const shims = model.shimsOn(l2.parent)
  if (shims.length === 0) return [notApplicable(subject, `No host shim on ${l2.parent}: host-isolation says whether one is needed.`)]
  return shims.map((shim) => finding(model, l2, shim, settings))
}

export const shimIncomplete: Rule = {
  meta: {id: 'shim-incomplete', code: 'MVD002', title: 'Host shims are complete', severity: 'fail', requires: ['links', 'addresses', 'routes', 'networks', 'containers']},
  evaluate: ({model, settings}) => model.macvlanNetworks().flatMap((l2) => judge(model, l2, settings)),
}
