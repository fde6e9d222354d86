import type {Finding} from '../../engine/types.js'
import {lanSubject, type FleetCheck} from '../evaluate.js'
import {holdingText} from '../model.js'
import {heldTwice, lanEvidence} from './support.js'

export const macTwice: FleetCheck = {
  meta: {
    id: 'fleet-mac-twice',
    code: 'MVF003',
    title: 'No MAC is used on two hosts of one LAN',
    severity: 'fail',
    compares: 'MACs',
    // Docker derives a container's MAC from its address (02:42 and the IPv4 address): the same address gives the same MAC.
    causedBy: [{id: 'fleet-address-twice', on: 'address'}],
  },
  evaluate: ({lans}) =>
    lans.map((lan): Finding => {
      const {mine, theirs, twice, listed} = heldTwice(lan, (holding) => holding.mac !== undefined, (holding) => holding.mac)
      const subject = lanSubject(lan)
      const addresses = [...new Set(twice.flatMap((pair) => pair.flatMap((holding) => holding.address ?? [])))]
      const evidence = lanEvidence(lan, {macs: listed}, addresses)
      if (twice.length === 0) return {outcome: 'pass', subject, message: `The ${mine.length} MACs of ${lan.a.host.name} and the ${theirs.length} of ${lan.b.host.name} on their shared LAN are all different.`, evidence}
      return {
        outcome: 'fail',
        subject,
        message: `${twice.map(([holding, other]) => `${holding.mac} is used by ${holdingText(holding)} and by ${holdingText(other)}`).join('; ')}: the LAN's switches learn the MAC on whichever port sent last, so frames for one go to the other.`,
        evidence,
        fix: {summary: 'Give each host its own --ip-range (Docker derives MACs from addresses), and never pin one --mac-address on two hosts; recreate the containers of one host.', commands: []},
      }
    }),
}
