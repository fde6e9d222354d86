import type {Finding} from '../../engine/types.js'
import {sh} from '../../exec/quote.js'
import {lanSubject, type FleetCheck} from '../evaluate.js'
import {holdingText} from '../model.js'
import {heldTwice, lanEvidence, onHost} from './support.js'

export const addressTwice: FleetCheck = {
  meta: {
    id: 'fleet-address-twice',
    code: 'MVF002',
    title: 'No address is held by containers on two hosts',
    severity: 'fail',
    compares: 'container addresses',
    causedBy: [{id: 'fleet-range-overlap', on: 'address'}],
  },
  evaluate: ({lans}) =>
    lans.map((lan): Finding => {
      const {mine, theirs, twice, listed} = heldTwice(lan, (holding) => holding.kind === 'container' && holding.address !== undefined, (holding) => holding.address)
      const subject = lanSubject(lan)
      const addresses = [...new Set(twice.map(([holding]) => holding.address as string))]
      const evidence = lanEvidence(lan, {containers: listed}, addresses)
      if (twice.length === 0) return {outcome: 'pass', subject, message: `No container address on ${lan.a.host.name} (${mine.length} containers) is held by a container on ${lan.b.host.name} (${theirs.length}) on their shared LAN.`, evidence}
      return {
        outcome: 'fail',
        subject,
        message: `${twice.map(([holding, other]) => `${holding.address} is held by ${holdingText(holding)} and by ${holdingText(other)}`).join('; ')}: on one LAN only one of each pair gets the traffic, whichever answered ARP last.`,
        evidence,
        fix: {
          summary: `Give each host a range of its own (see fleet-range-overlap), then move the containers of one host off the addresses the other holds: recreate them, or pin them with --ip inside their host's own range.`,
          commands: twice.map(([, other]) => onHost(sh`docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{.MacAddress}}{{end}}' ${other.name}`, other.member.host.name)),
        },
      }
    }),
}
