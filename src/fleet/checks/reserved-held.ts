import type {Finding} from '../../engine/types.js'
import {cidrContains} from '../../model/ip.js'
import {lanSubject, type FleetCheck} from '../evaluate.js'
import {holdingsOf, holdingText, type Holding, type LanMember} from '../model.js'
import {lanEvidence} from './support.js'

/** What of `owner`'s reserved addresses (aux, shim, its own) `other`'s Docker may hand out or another host already holds. */
function clashes(owner: LanMember, other: LanMember): Array<{address: string; text: string}> {
  const reserved = new Map<string, Holding>()
  for (const holding of holdingsOf(owner)) if (holding.kind !== 'container' && holding.address && !reserved.has(holding.address)) reserved.set(holding.address, holding)
  const held = holdingsOf(other).filter((holding) => holding.kind === 'container' || holding.kind === 'shim')
  const theirAux = new Set(Object.values(other.auxAddresses))
  return [...reserved].flatMap(([address, holding]) => {
    const holder = held.find((candidate) => candidate.address === address)
    if (holder) return [{address, text: `${address}, ${holdingText(holding)}, is held by ${holdingText(holder)}`}]
    if (cidrContains(other.allocatable, address) && !theirAux.has(address)) return [{address, text: `${address}, ${holdingText(holding)}, is inside ${other.host.name}'s range ${other.allocatable}, which does not reserve it`}]
    return []
  })
}

export const reservedHeld: FleetCheck = {
  meta: {
    id: 'fleet-reserved-held',
    code: 'MVF004',
    title: "No host's shim or reserved address is another host's to hand out",
    severity: 'fail',
    compares: 'shim, aux and host addresses',
    causedBy: [{id: 'fleet-range-overlap', on: 'address'}],
  },
  evaluate: ({lans}) =>
    lans.map((lan): Finding => {
      const found = [...clashes(lan.a, lan.b), ...clashes(lan.b, lan.a)]
      const addresses = [...new Set(found.map((clash) => clash.address))]
      const subject = lanSubject(lan)
      const reserved = (member: LanMember) => holdingsOf(member).filter((holding) => holding.kind !== 'container' && holding.address).map((holding) => `${holding.kind} ${holding.name} ${holding.address}`)
      const evidence = lanEvidence(lan, {reserved: {[lan.a.host.name]: reserved(lan.a), [lan.b.host.name]: reserved(lan.b)}}, addresses)
      if (found.length === 0) return {outcome: 'pass', subject, message: `No shim, aux or host address of ${lan.a.host.name} or ${lan.b.host.name} lies in the other's range or is held there.`, evidence}
      return {
        outcome: 'fail',
        subject,
        message: `${found.map((clash) => clash.text).join('; ')}: a host's Docker reserves addresses for itself alone, so the other host may give one to a container and cut off that shim or host.`,
        evidence,
        fix: {summary: "Keep every host's shim, aux and own addresses outside the other hosts' ranges: separate the ranges (see fleet-range-overlap), or reserve the address on the other host with --aux-address when its network is next recreated.", commands: []},
      }
    }),
}
