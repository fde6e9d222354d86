import type {Finding, Rule} from '../engine/types.js'
import {ipv4Value} from '../model/ip.js'
import {notApplicable} from './support/common.js'
import {answersFor, notAsked, unaskedText} from './support/probe-evidence.js'
import {parentNames} from '../model/host-model.js'

export const dhcpServers: Rule = {
  meta: {id: 'dhcp-servers', code: 'MVD030', title: 'One DHCP server answers on each parent', severity: 'warn', requires: ['networks'], probes: ['dhcp-discover']},
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
      const evidence = {facts: {servers, offers}, commands: [...new Set(records.map((record) => record.command))]}
      if (servers.length <= 1) {
        return [{outcome: 'pass', subject, message: servers.length === 1 ? `One DHCP server answers on ${parent}: ${servers[0]}.` : `No DHCP server answered on ${parent}.`, evidence}]
      }
      return [
        {
          outcome: 'warn',
          subject,
          message: `${servers.length} DHCP servers answer on ${parent} (${servers.map((server) => `${server} offering ${offers.filter((offer) => offer.server === server).map((offer) => offer.offered).join(', ')}`).join('; ')}): a second or rogue server hands out addresses that neither the router nor Docker's --ip-range accounts for.`,
          evidence,
          fix: {summary: 'Find and switch off the extra server (its address is above), or keep Docker\'s range clear of every pool; enable DHCP snooping on the switch.', commands: []},
        },
      ]
    })
  },
}
