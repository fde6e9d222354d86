import type {Finding, Rule} from '../engine/types.js'
import type {L2Network} from '../model/host-model.js'
import {ipv4Pools} from '../model/host-model.js'
import {intervalText, overlapOf} from '../model/ip.js'

function conflictBetween(a: L2Network, b: L2Network): string | undefined {
  if (a.driver !== b.driver) return `${a.network.name} (${a.driver}) and ${b.network.name} (${b.driver}) mix macvlan and ipvlan on one parent, which the kernel refuses ("device or resource busy")`
  if (a.mode === 'passthru' || b.mode === 'passthru') return `${a.mode === 'passthru' ? a.network.name : b.network.name} is in passthru mode, which takes the whole parent`
  for (const left of ipv4Pools(a)) {
    for (const right of ipv4Pools(b)) {
      const shared = overlapOf(left.allocatable, right.allocatable)
      if (shared) return `${a.network.name} and ${b.network.name} may both hand out ${intervalText(shared)}: their IPAM does not know of each other`
    }
  }
  return undefined
}

export const parentShared: Rule = {
  meta: {id: 'parent-shared', code: 'MVD014', title: 'Networks sharing a parent do not collide', severity: 'fail', requires: ['networks']},
  evaluate: ({model}) => {
    const byParent = new Map<string, L2Network[]>()
    for (const l2 of model.l2Networks()) if (l2.parent) byParent.set(l2.parent, [...(byParent.get(l2.parent) ?? []), l2])
    return [...byParent].flatMap(([parent, networks]): Finding[] => {
      if (networks.length < 2) return []
      const subject = {interface: parent}
      const conflicts = networks.flatMap((a, i) => networks.slice(i + 1).flatMap((b) => conflictBetween(a, b) ?? []))
      const evidence = {facts: {parent, networks: networks.map((l2) => ({name: l2.network.name, driver: l2.driver, mode: l2.mode, ranges: ipv4Pools(l2).map((pool) => pool.allocatable)}))}, commands: [`docker network ls --filter driver=macvlan --filter driver=ipvlan`]}
      if (conflicts.length === 0) return [{outcome: 'pass', subject, message: `${networks.length} networks share ${parent} without overlapping (allowed from Docker Engine 27.1).`, evidence}]
      return [{outcome: 'fail', subject, message: `On ${parent}: ${conflicts.join('; ')}.`, evidence, fix: {summary: 'Give each network on one parent its own, non-overlapping --ip-range, one driver, and no passthru; or move one network to another parent or VLAN.', commands: []}}]
    })
  },
}
