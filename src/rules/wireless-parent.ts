import type {Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import {recreateNetworkCommands} from '../remedy/docker-commands.js'
import {onEachParent} from './support/common.js'

export const wirelessParent: Rule = {
  meta: {id: 'wireless-parent', code: 'MVD007', title: 'Parent is not Wi-Fi', severity: 'fail', requires: ['links', 'sysfs', 'networks', 'containers']},
  evaluate: ({model}) =>
    onEachParent(model, (l2, parent) => {
      const subject = {network: l2.network.name, interface: parent.name}
      const evidence = {facts: {parent: parent.name, wireless: model.sysfs(parent.name)?.wireless ?? false}, commands: [sh`ls -d /sys/class/net/${parent.name}/wireless /sys/class/net/${parent.name}/phy80211`]}
      if (!evidence.facts.wireless) return {outcome: 'pass', subject, message: `Parent ${parent.name} is not a wireless interface.`, evidence}
      return {
        outcome: 'fail',
        subject,
        message: `Parent ${parent.name} is Wi-Fi: an access point only accepts frames from the MAC that associated with it, so every container MAC is dropped.`,
        evidence,
        fix: {
          summary: `Use a wired NIC as the parent, or an ipvlan L2 network on ${parent.name} (one MAC for all containers).`,
          commands: recreateNetworkCommands(model, l2, {driver: 'ipvlan'}),
        },
      }
    }),
}
