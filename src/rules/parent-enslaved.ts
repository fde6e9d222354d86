import type {Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import {recreateNetworkCommands} from '../remedy/docker-commands.js'
import {onEachParent} from './support/common.js'

export const parentEnslaved: Rule = {
  meta: {id: 'parent-enslaved', code: 'MVD005', title: 'Parent is not enslaved to a bridge or bond', severity: 'fail', requires: ['links', 'sysfs', 'networks', 'containers']},
  evaluate: ({model}) =>
    onEachParent(model, (l2, parent) => {
      const sysfs = model.sysfs(parent.name)
      const role = parent.slaveKind ?? (sysfs?.bondSlave ? 'bond' : sysfs?.bridgePort ? 'bridge' : undefined)
      const subject = {network: l2.network.name, interface: parent.name}
      const evidence = {facts: {parent: parent.name, master: parent.master, slaveKind: role}, commands: [sh`ip -d link show dev ${parent.name}`]}
      if (!role && !parent.master) return {outcome: 'pass', subject, message: `Parent ${parent.name} is not a port of a bridge or bond.`, evidence}
      const master = parent.master ?? 'its master'
      return {
        outcome: 'fail',
        subject,
        message: `Parent ${parent.name} is a ${role ?? 'slave'} port of ${master}: the kernel refuses macvlans on it ("device or resource busy"), so containers on ${l2.network.name} cannot start.`,
        evidence,
        fix: {
          summary: `Use ${master} itself as the parent (for a bond), or the bridge's uplink design that frees ${parent.name}; recreate the network on it.`,
          commands: parent.master ? recreateNetworkCommands(model, l2, {parent: parent.master}) : [sh`ip -d link show dev ${parent.name}`],
        },
      }
    }),
}
