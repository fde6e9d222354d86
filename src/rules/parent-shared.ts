import type {Finding, Rule} from '../engine/types.js'
import {ENGINE, engineAtLeast} from '../model/engine.js'
import type {DockerEngine} from '../snapshot/types.js'
import type {L2Network} from '../model/host-model.js'
import {ipv4Pools} from '../model/host-model.js'
import {intersection, intervalOf, intervalText} from '../model/ip.js'

/** Networks of more than one driver on one parent: the kernel refuses the second kind. */
function driverConflict(networks: L2Network[]): string[] {
  const drivers = [...new Set(networks.map((l2) => l2.driver))]
  if (drivers.length < 2) return []
  const named = drivers.map((driver) => `${networks.filter((l2) => l2.driver === driver).map((l2) => l2.network.name).join(', ')} (${driver})`)
  return [`${named.join(' and ')} mix macvlan and ipvlan on one parent, which the kernel refuses ("device or resource busy")`]
}

/** Before Engine 27.1 the macvlan driver took one network per parent and refused the next (moby#47318 lifted that). */
function engineConflict(engine: DockerEngine | undefined, parent: string, networks: L2Network[]): string[] {
  const macvlans = networks.filter((l2) => l2.driver === 'macvlan').map((l2) => l2.network.name)
  if (macvlans.length < 2 || engineAtLeast(engine, ENGINE.sharedParent) !== false) return []
  return [`${macvlans.join(' and ')} are macvlan networks on one parent, which Docker Engine ${engine?.serverVersion} refuses before 27.1 ("network dm-… is already using parent interface ${parent}"): only one of them works, and containers on the other cannot start`]
}

/**
 * Every network whose allocatable range overlaps one that starts before it, found by sorting the ranges and sweeping
 * once (a host with hundreds of networks on one parent must not cost a comparison per pair).
 */
function rangeConflicts(networks: L2Network[]): string[] {
  const ranges = networks.flatMap((l2, order) =>
    ipv4Pools(l2).flatMap((pool) => {
      const interval = intervalOf(pool.allocatable)
      return interval ? [{name: l2.network.name, order, interval}] : []
    }),
  )
  ranges.sort((a, b) => (a.interval.first < b.interval.first ? -1 : a.interval.first > b.interval.first ? 1 : 0))
  const conflicts: string[] = []
  let reach: (typeof ranges)[number] | undefined
  for (const range of ranges) {
    const shared = reach && reach.name !== range.name ? intersection(reach.interval, range.interval) : undefined
    if (reach && shared) {
      const [first, second] = reach.order < range.order ? [reach, range] : [range, reach]
      conflicts.push(`${first.name} and ${second.name} may both hand out ${intervalText(shared)}: their IPAM does not know of each other`)
    }
    if (!reach || range.interval.last > reach.interval.last) reach = range
  }
  return conflicts
}

export const parentShared: Rule = {
  meta: {id: 'parent-shared', code: 'MVD014', title: 'Networks sharing a parent do not collide', severity: 'fail', requires: ['networks'], optional: ['docker']},
  evaluate: ({model}) => {
    const engine = model.engine()
    const byParent = new Map<string, L2Network[]>()
    for (const l2 of model.l2Networks()) if (l2.parent) byParent.set(l2.parent, [...(byParent.get(l2.parent) ?? []), l2])
    return [...byParent].flatMap(([parent, networks]): Finding[] => {
      if (networks.length < 2) return []
      const subject = {interface: parent}
      const passthru = networks.filter((l2) => l2.mode === 'passthru').map((l2) => `${l2.network.name} is in passthru mode, which takes the whole parent`)
      const versioned = engineConflict(engine, parent, networks)
      const conflicts = [...versioned, ...driverConflict(networks), ...passthru, ...rangeConflicts(networks)]
      const evidence = {facts: {parent, networks: networks.map((l2) => ({name: l2.network.name, driver: l2.driver, mode: l2.mode, ranges: ipv4Pools(l2).map((pool) => pool.allocatable)}))}, commands: [`docker network ls --filter driver=macvlan --filter driver=ipvlan`]}
      if (conflicts.length === 0) return [{outcome: 'pass', subject, message: `${networks.length} networks share ${parent} without overlapping (allowed from Docker Engine 27.1).`, evidence}]
      return [{outcome: 'fail', subject, message: `On ${parent}: ${conflicts.join('; ')}.`, evidence, fix: {summary: `Give each network on one parent its own, non-overlapping --ip-range, one driver, and no passthru; or move one network to another parent or VLAN${versioned.length > 0 ? '; or upgrade Docker to 27.1 or newer, which lets macvlan networks share a parent' : ''}.`, commands: []}}]
    })
  },
}
