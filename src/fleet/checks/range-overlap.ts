import type {Finding} from '../../engine/types.js'
import {lanOccupants} from '../../rules/support/addressing.js'
import {recreateNetworkCommands} from '../../remedy/docker-commands.js'
import {intervalOf, intervalText, overlapOf, suggestIpRange, type Interval} from '../../model/ip.js'
import {lanSubject, type Fleet, type FleetCheck} from '../evaluate.js'
import {holdingsOf, type SharedLan} from '../model.js'
import {lanEvidence, onHost, rangeText} from './support.js'

/** A range for `lan.b` clear of every other host's range on that LAN, of what every host holds there, and of what b's host sees on it. */
function freeRangeFor(lan: SharedLan, fleet: Fleet): string | undefined {
  const {b} = lan
  const onLan = fleet.lans.filter((other) => other.a === b || other.b === b).map((other) => (other.a === b ? other.b : other.a))
  const avoid: Interval[] = [
    ...onLan.flatMap((member) => [member.allocatable, ...holdingsOf(member).flatMap((holding) => holding.address ?? [])]),
    ...(b.gateway ? [b.gateway] : []),
  ].flatMap((text) => intervalOf(text) ?? [])
  avoid.push(...lanOccupants(b.model, b.l2, b.subnet, []).map((occupant) => occupant.interval))
  const containers = holdingsOf(b).filter((holding) => holding.kind === 'container').length
  return suggestIpRange(b.subnet, avoid, containers + 2)
}

export const rangeOverlap: FleetCheck = {
  meta: {id: 'fleet-range-overlap', code: 'MVF001', title: "Hosts on one LAN hand out separate ranges", severity: 'fail', compares: 'subnets, gateways and ranges'},
  evaluate: (fleet) =>
    fleet.lans.map((lan): Finding => {
      const {a, b} = lan
      const shared = overlapOf(a.allocatable, b.allocatable)
      const subject = lanSubject(lan)
      const facts = {ranges: {[a.host.name]: a.allocatable, [b.host.name]: b.allocatable}, ...(shared ? {shared: intervalText(shared)} : {})}
      if (!shared) return {outcome: 'pass', subject, message: `${rangeText(a)} and ${rangeText(b)} share no address, on one LAN (${lan.evidence}).`, evidence: lanEvidence(lan, facts)}
      // The addresses either host holds in the shared part: what the checks this overlap explains are about.
      const held = [...new Set([a, b].flatMap((member) => holdingsOf(member).flatMap((holding) => (holding.address && overlapOf(holding.address, intervalText(shared)) ? [holding.address] : []))))]
      const range = freeRangeFor(lan, fleet)
      return {
        outcome: 'fail',
        subject,
        message: `${rangeText(a)} and ${rangeText(b)} may both hand out ${intervalText(shared)} on one LAN (${lan.evidence}): neither Docker knows of the other's containers, so both give out the same addresses.`,
        evidence: lanEvidence(lan, facts, held),
        fix: {
          summary: `Give each host its own part of ${a.subnet}: recreate the network on ${b.host.name} with an --ip-range that no other host's range overlaps${range ? ` (${range} is clear of every range and address the files show; prove it is outside the DHCP pool with \`macvlan doctor\` there)` : ''}.`,
          commands: range ? recreateNetworkCommands(b.model, b.l2, {ipRange: range}).map((command) => onHost(command, b.host.name)) : [],
        },
      }
    }),
}
