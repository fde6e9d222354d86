import type {Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import {recreateNetworkCommands} from '../remedy/docker-commands.js'
import {onEachParent} from './support/common.js'

export const bridgeParent: Rule = {
  meta: {id: 'bridge-parent', code: 'MVD006', title: 'Parent is not a Linux bridge', severity: 'warn', requires: ['links', 'networks', 'containers']},
  evaluate: ({model}) =>
    onEachParent(model, (l2, parent) => {
      const subject = {network: l2.network.name, interface: parent.name}
      const evidence = {facts: {parent: parent.name, kind: parent.kind ?? 'physical'}, commands: [sh`ip -d link show dev ${parent.name}`, 'bridge link show']}
      if (parent.kind !== 'bridge') return {outcome: 'pass', subject, message: `Parent ${parent.name} is not a bridge.`, evidence}
      const ports = model.data('links').filter((link) => link.master === parent.name).map((link) => link.name)
      return {
        outcome: 'warn',
        subject,
        message: `Parent ${parent.name} is a Linux bridge: macvlan on a bridge is known to cause kernel call traces (reported on Unraid) and leaves the containers' frames to the bridge's own filtering.`,
        evidence: {facts: {...evidence.facts, ports}, commands: evidence.commands},
        fix: {
          summary: ports.length > 0
            ? `Put the network on the bridge's physical port (${ports.join(', ')}) only if that port leaves the bridge; otherwise use an ipvlan network on ${parent.name}, or a veth into the bridge.`
            : `Use an ipvlan network on ${parent.name}, or a physical NIC as the parent.`,
          commands: recreateNetworkCommands(model, l2, {driver: 'ipvlan'}),
        },
      }
    }),
}
