import type {Finding, Fix, FixAction, Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import {recreateNetworkCommands} from '../remedy/docker-commands.js'
import type {HostModel, L2Network} from '../model/host-model.js'
import {bareAddress, cidrContains} from '../model/ip.js'
import {shimSpecOf, type ShimSpec} from '../remedy/persistence.js'
import type {Link} from '../snapshot/types.js'
import {noParent, notApplicable} from './support/common.js'
import {shimPlan} from './host-isolation.js'

/** What keeps `shim` from giving the host a path to `l2`'s containers, one problem per entry. */
interface Problem {
  problem: string
  fix: string[]
  /** Present when the remedy is a safe runtime change. */
  actions?: FixAction[]
  /** What those actions add to the shim. */
  adds?: Partial<Pick<ShimSpec, 'addresses' | 'routes'>>
}

function problemsOf(model: HostModel, l2: L2Network, shim: Link): Problem[] {
  const problems: Problem[] = []
  const plan = shimPlan(model, l2)
  const routes = plan?.routes ?? []
  if (!shim.flags.includes('UP')) problems.push({problem: 'is down', fix: [sh`ip link set ${shim.name} up`], actions: [{run: ['ip', 'link', 'set', shim.name, 'up'], undo: ['ip', 'link', 'set', shim.name, 'down']}]})
  if (shim.mode !== 'bridge') problems.push({problem: `is in ${shim.mode ?? 'unknown'} mode, and only bridge mode passes frames to sibling macvlans`, fix: [sh`ip link del ${shim.name}`, sh`ip link add ${shim.name} link ${shim.parent ?? ''} type macvlan mode bridge`]})
  const addresses = model.addressesOf(shim.name)
  if (addresses.length === 0 && plan) {
    problems.push({
      problem: 'has no IPv4 address',
      fix: [sh`ip addr add ${plan.address}/32 dev ${shim.name}`],
      actions: [{run: ['ip', 'addr', 'add', `${plan.address}/32`, 'dev', shim.name], undo: ['ip', 'addr', 'del', `${plan.address}/32`, 'dev', shim.name]}],
      adds: {addresses: [`${plan.address}/32`]},
    })
  } else if (addresses.length === 0) problems.push({problem: 'has no IPv4 address', fix: []})
  const containerIps = model.endpointsOf(l2.network).flatMap(({endpoint}) => (endpoint.ipv4 ? [bareAddress(endpoint.ipv4)] : []))
  const missed = containerIps.filter((ip) => model.routeTo(ip)?.dev !== shim.name)
  if (missed.length > 0) {
    const needed = routes.filter((route) => missed.some((ip) => cidrContains(route, ip)))
    problems.push({
      problem: `is not the route to ${missed.join(', ')}`,
      fix: needed.map((route) => sh`ip route add ${route} dev ${shim.name}`),
      actions: needed.map((route) => ({run: ['ip', 'route', 'add', route, 'dev', shim.name], undo: ['ip', 'route', 'del', route, 'dev', shim.name]})),
      adds: {routes: needed},
    })
  }
  const reserved = new Set(l2.ipam.flatMap((config) => Object.values(config.auxAddresses)))
  for (const {local} of addresses) {
    const allocatable = l2.ipam.find((config) => cidrContains(config.ipRange ?? config.subnet, local))
    if (allocatable && !reserved.has(local)) {
      const containers = model.containerNames(l2.network)
      problems.push({problem: `uses ${local}, which Docker may give to a container (it is in ${allocatable.ipRange ?? allocatable.subnet} and not reserved)`, fix: recreateNetworkCommands(l2, containers, {aux: {shim: local}})})
    }
  }
  return problems
}

/** The shim as it will be once every action has run (what persistence must recreate), and the address it takes unreserved. */
function completed(model: HostModel, l2: L2Network, shim: Link, problems: Problem[]): Pick<Fix, 'shim' | 'freeAddress'> {
  const current = shimSpecOf(model, shim.name)
  if (!current) return {}
  const addresses = problems.flatMap((problem) => problem.adds?.addresses ?? [])
  const routes = problems.flatMap((problem) => problem.adds?.routes ?? [])
  const spec = {...current, addresses: [...current.addresses, ...addresses], routes: [...current.routes, ...routes]}
  const plan = shimPlan(model, l2)
  if (addresses.length > 0 && plan && !plan.reserved && shim.parent) return {shim: spec, freeAddress: {address: plan.address, parent: shim.parent}}
  return {shim: spec}
}

function judge(model: HostModel, l2: L2Network): Finding[] {
  const subject = {network: l2.network.name, interface: l2.parent}
  if (!l2.parent) return [noParent(subject)]
  const shims = model.shimsOn(l2.parent)
  if (shims.length === 0) return [notApplicable(subject, `No host shim on ${l2.parent}: host-isolation says whether one is needed.`)]
  return shims.map((shim): Finding => {
    const problems = problemsOf(model, l2, shim)
    const shimSubject = {network: l2.network.name, interface: shim.name}
    const evidence = {
      facts: {shim: shim.name, parent: shim.parent, mode: shim.mode, flags: shim.flags, addresses: model.addressesOf(shim.name).map((a) => `${a.local}/${a.prefixlen}`), routes: model.data('routes').filter((route) => route.dev === shim.name && route.table === 'main').map((route) => route.dst)},
      commands: [sh`ip -d addr show dev ${shim.name}`, sh`ip route show dev ${shim.name}`],
    }
    if (problems.length === 0) return {outcome: 'pass', subject: shimSubject, message: `Shim ${shim.name} is up, in bridge mode, addressed and routed.`, evidence}
    return {
      outcome: 'fail',
      subject: shimSubject,
      message: `Shim ${shim.name} ${problems.map(({problem}) => problem).join('; ')}: the host still cannot reach the containers on ${l2.network.name}.`,
      evidence,
      fix: {
        summary: `Finish the shim ${shim.name}.`,
        commands: problems.flatMap(({fix}) => fix),
        // Applied only when every problem has a safe runtime remedy; a mode change or a network recreate needs a person.
        ...(problems.every((problem) => problem.actions) ? {actions: problems.flatMap((problem) => problem.actions ?? []), ...completed(model, l2, shim, problems)} : {}),
      },
    }
  })
}

export const shimIncomplete: Rule = {
  meta: {id: 'shim-incomplete', code: 'MVD002', title: 'Host shims are complete', severity: 'fail', requires: ['links', 'addresses', 'routes', 'networks', 'containers']},
  evaluate: ({model}) => model.macvlanNetworks().flatMap((l2) => judge(model, l2)),
}
