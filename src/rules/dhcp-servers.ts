import type {Finding, Rule} from '../engine/types.js'
import {ipv4Value} from '../model/ip.js'
import {notApplicable} from './support/common.js'
import {answersFor, notAsked, unaskedText} from './support/probe-evidence.js'
import {parentNames, type HostModel} from '../model/host-model.js'
import {bareAddress} from '../model/ip.js'

/** The containers on `parent`'s networks that hold a DHCP server's address: they are the servers. */
function containerServers(model: HostModel, parent: string, servers: string[]): Map<string, {container: string; network: string}> {
  const found = new Map<string, {container: string; network: string}>()
  for (const l2 of model.l2Networks().filter((candidate) => candidate.parent === parent)) {
    for (const {container, endpoint} of model.endpointsOf(l2.network)) {
      const address = endpoint.ipv4 ? bareAddress(endpoint.ipv4) : undefined
      if (address && servers.includes(address)) found.set(address, {container: container.name, network: l2.network.name})
    }
  }
  return found
}

export const dhcpServers: Rule = {
  meta: {id: 'dhcp-servers', code: 'MVD030', title: 'One DHCP server answers on each parent', severity: 'warn', requires: ['networks', 'containers'], probes: ['dhcp-discover']},
  evaluate: ({model, probes}) => {
    const parents = parentNames(model.macvlanNetworks())
    return parents.flatMap((parent): Finding[] => {
      const subject = {interface: parent}
      const answers = answersFor(probes, ['dhcp-discover'], {parent})
      const records = answers.judged
      if (records.length === 0) {
        const unasked = unaskedText(answers)
        if (unasked) return [notAsked(subject, `how many DHCP servers answer on ${parent}`, unasked)]
        return [notApplicable(subject, `No DHCP probe was sent on ${parent}${probes ? '' : ' (--no-probe, or a replayed snapshot)'}.`)]
      }
      const offers = records.flatMap((record) => record.offers ?? [])
      // Sorted by address: offers arrive in whatever order the servers answer, and a report must not depend on it.
      const servers = [...new Set(offers.map((offer) => offer.server))].sort((a, b) => Number((ipv4Value(a) ?? 0n) - (ipv4Value(b) ?? 0n)))
      const inContainers = containerServers(model, parent, servers)
      const containerNames = [...inContainers.values()].map(({container}) => container)
      const evidence = {
        facts: {servers, offers, ...(inContainers.size > 0 ? {containerServers: Object.fromEntries([...inContainers].map(([address, {container}]) => [address, container]))} : {})},
        commands: [...new Set(records.map((record) => record.command))],
      }
      if (servers.length <= 1) {
        const only = servers[0] && inContainers.get(servers[0])
        const message = servers.length === 0 ? `No DHCP server answered on ${parent}.` : `One DHCP server answers on ${parent}: ${servers[0]}${only ? `, which is container ${only.container} on ${only.network}: the LAN gets no leases while it is down` : ''}.`
        return [{outcome: 'pass', subject, message, evidence}]
      }
      const named = [...inContainers].map(([address, {container, network}]) => ` ${address} is container ${container} on ${network}: a DHCP server in a macvlan container answers the whole LAN.`).join('')
      return [
        {
          outcome: 'warn',
          subject,
          message: `${servers.length} DHCP servers answer on ${parent} (${servers.map((server) => `${server} offering ${offers.filter((offer) => offer.server === server).map((offer) => offer.offered).join(', ')}`).join('; ')}): a second or rogue server hands out addresses that neither the router nor Docker's --ip-range accounts for.${named}`,
          evidence,
          fix: {
            summary:
              containerNames.length > 0
                ? `Switch off the DHCP server of container ${containerNames.join(', ')} (or the router's, if ${containerNames.length === 1 ? containerNames[0] : 'one of them'} is to serve the LAN); enable DHCP snooping on the switch.`
                : "Find and switch off the extra server (its address is above), or keep Docker's range clear of every pool; enable DHCP snooping on the switch.",
            commands: [],
          },
        },
      ]
    })
  },
}
