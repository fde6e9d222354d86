import type {Finding} from '../../engine/types.js'
import type {ProbeRecord} from '../../probe/types.js'
import {notApplicable} from '../../rules/support/common.js'
import {serverAnswers} from '../../rules/support/dhcp-membership.js'
import {lanSubject, type FleetCheck} from '../evaluate.js'
import type {LanMember} from '../model.js'
import {lanEvidence} from './support.js'

/** The DHCP probe's records on a member's parent, or why there are none to compare. */
function discoveries(member: LanMember): ProbeRecord[] | string {
  const {probes} = member.host
  if (!probes) return `${member.host.file} is a snapshot`
  const records = probes.records.filter((record) => record.purpose === 'dhcp-discover' && record.parent === member.parent)
  if (records.length === 0) return `no DHCP probe went out on ${member.parent} of ${member.host.name}${probes.skipped.length > 0 ? ` (${probes.skipped.map((skip) => skip.reason).join('; ')})` : ''}`
  if (records.every((record) => record.outcome === 'error')) return `the DHCP probe on ${member.parent} of ${member.host.name} failed to run (${records[0]?.detail ?? 'no detail'})`
  return records.filter((record) => record.outcome !== 'error')
}

export const dhcpView: FleetCheck = {
  meta: {id: 'fleet-dhcp-view', code: 'MVF005', title: 'Every host on a LAN sees the same DHCP servers and pool', severity: 'warn', compares: 'DHCP servers and offered addresses'},
  evaluate: ({lans}) =>
    lans.map((lan): Finding => {
      const subject = lanSubject(lan)
      // A snapshot is facts only, by the user's choice (collect -o, doctor --no-probe): nothing to compare, nothing unknown.
      const snapshots = [lan.a, lan.b].filter((member) => !member.host.probes).map((member) => member.host.file)
      if (snapshots.length > 0) return notApplicable(subject, `Not compared: ${snapshots.join(' and ')} ${snapshots.length > 1 ? 'are snapshots' : 'is a snapshot'}, without the probes a bundle (\`macvlan doctor --save\`) keeps.`)
      const [mine, theirs] = [lan.a, lan.b].map(discoveries) as [ProbeRecord[] | string, ProbeRecord[] | string]
      if (typeof mine === 'string' || typeof theirs === 'string') {
        return {outcome: 'skip', skipKind: 'missing-data', subject, message: `Not compared: ${[mine, theirs].filter((why) => typeof why === 'string').join('; ')}.`}
      }
      const [ours, others] = [serverAnswers(mine), serverAnswers(theirs)]
      const servers = (answers: typeof ours) => answers.map((answer) => answer.server).sort()
      const seen = (answers: typeof ours) => (answers.length > 0 ? servers(answers).join(', ') : 'no server')
      const differences: string[] = []
      if (servers(ours).join() !== servers(others).join()) differences.push(`${lan.a.host.name} sees ${seen(ours)}, ${lan.b.host.name} sees ${seen(others)}`)
      // An address both hosts asked the same server for, offered back to one and not to the other: two views of one pool.
      for (const answer of ours) {
        const other = others.find((candidate) => candidate.server === answer.server)
        if (!other) continue
        const asked = new Set(answer.offers.flatMap((offer) => offer.requested ?? []))
        for (const address of asked) {
          const [here, there] = [answer.of(address), other.of(address)]
          if (here !== 'unanswered' && there !== 'unanswered' && here !== there) differences.push(`${answer.server} offered ${address} back to ${here === 'in' ? lan.a.host.name : lan.b.host.name} only`)
        }
      }
      const evidence = lanEvidence(lan, {offers: {[lan.a.host.name]: ours.flatMap((answer) => answer.offers), [lan.b.host.name]: others.flatMap((answer) => answer.offers)}})
      evidence.commands.push(...new Set([...mine, ...theirs].map((record) => record.command)))
      if (differences.length === 0) return {outcome: 'pass', subject, message: `Both hosts' DHCP probes see ${seen(ours)}, with no address answered differently.`, evidence}
      return {
        outcome: 'warn',
        subject,
        message: `The hosts see the LAN's DHCP differently: ${differences.join('; ')}. A pool judged from one host is not the pool the other lives with: a rogue or second server on one segment, a VLAN or port filter, or two networks that only look like one.`,
        evidence,
        fix: {summary: 'Find the server only one host sees (its address is in the offers) and remove it or its VLAN mismatch; then run `macvlan doctor` on both hosts, whose dhcp-overlap checks each range against the pool it sees.', commands: []},
      }
    }),
}
