import type {Finding, Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import {parentNames, type HostModel} from '../model/host-model.js'
import {isUnicastMac} from '../model/mac.js'

/** Every unicast MAC the parent must accept besides its own: its unicast filter (fdb `self` entries), containers, host macvlans. */
function macsOn(model: HostModel, parent: string): {total: Set<string>; containers: number; hostMacvlans: number} {
  const own = model.link(parent)?.mac?.toLowerCase()
  const total = new Set<string>()
  const add = (mac: string | undefined) => {
    const normal = mac?.toLowerCase()
    if (normal && normal !== own && isUnicastMac(normal)) total.add(normal)
  }
  for (const entry of model.data('fdb')) if (entry.ifname === parent && entry.flags.includes('self') && !entry.master) add(entry.mac)
  let containers = 0
  for (const l2 of model.l2Networks().filter((candidate) => candidate.parent === parent)) {
    for (const {endpoint} of model.endpointsOf(l2.network)) {
      if (endpoint.mac) containers++
      add(endpoint.mac)
    }
  }
  const hostMacvlans = model.hostMacvlansOn(parent)
  for (const link of hostMacvlans) add(link.mac)
  return {total, containers, hostMacvlans: hostMacvlans.length}
}

export const macSprawl: Rule = {
  meta: {id: 'mac-sprawl', code: 'MVD015', title: 'The parent carries a sane number of MACs', severity: 'warn', requires: ['links', 'fdb', 'networks', 'containers']},
  evaluate: ({model, settings}) => {
    const parents = parentNames(model.l2Networks()).filter((parent) => model.link(parent))
    return parents.map((parent): Finding => {
      const link = model.link(parent)
      const {total, containers, hostMacvlans} = macsOn(model, parent)
      const promiscuous = (link?.promiscuity ?? 0) > 0 || (link?.flags.includes('PROMISC') ?? false)
      const subject = {interface: parent}
      const evidence = {
        facts: {parent, extraMacs: total.size, containerEndpoints: containers, hostMacvlans, threshold: settings.macSprawlThreshold, promiscuity: link?.promiscuity ?? 0},
        commands: [sh`bridge fdb show dev ${parent} | grep self`, sh`ip -d link show dev ${parent}`],
      }
      const promiscNote = promiscuous ? ` ${parent} is in promiscuous mode (a NIC without a unicast filter, a full filter, or a packet capture): it processes every frame on the wire.` : ''
      const count = `${total.size} MAC${total.size === 1 ? '' : 's'}`
      if (total.size <= settings.macSprawlThreshold) {
        return {outcome: 'pass', subject, message: `${parent} carries ${count} besides its own (threshold ${settings.macSprawlThreshold}).${promiscNote}`, evidence}
      }
      return {
        outcome: 'warn',
        subject,
        message: `${parent} carries ${count} besides its own (${containers} container endpoints, ${hostMacvlans} host macvlans), above ${settings.macSprawlThreshold}: NIC unicast filters overflow into promiscuous mode, switch MAC tables fill up, and a port-security limit shuts the port.${promiscNote}`,
        evidence,
        fix: {
          summary: `Use an ipvlan L2 network (one MAC for all containers), spread the containers over several parents, or raise the switch port's MAC limit. --mac-threshold changes the limit this check uses.`,
          commands: [sh`ip -d link show type macvlan | grep -c ${`link ${parent}`}`],
        },
      }
    })
  },
}
