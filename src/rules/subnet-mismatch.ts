import type {Finding, Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import {recreateNetworkCommands} from '../remedy/docker-commands.js'
import {ipv4Pools} from '../model/host-model.js'
import {canonicalCidr, cidrContains, cidrsOverlap} from '../model/ip.js'
import {notApplicable, onEachParent} from './support/common.js'

export const subnetMismatch: Rule = {
  meta: {id: 'subnet-mismatch', code: 'MVD013', title: "The network's subnet is the parent's LAN subnet", severity: 'warn', requires: ['links', 'addresses', 'networks', 'containers']},
  evaluate: ({model}) =>
    onEachParent(model, (l2, parent) => {
      const subject = {network: l2.network.name, interface: parent.name}
      const lans = model.addressesOf(parent.name).map((address) => canonicalCidr(`${address.local}/${address.prefixlen}`) ?? '')
      const pools = ipv4Pools(l2)
      const evidence = {facts: {subnets: pools.map((pool) => pool.subnet), parentSubnets: lans}, commands: [sh`ip -4 addr show dev ${parent.name}`, sh`docker network inspect ${l2.network.name} --format '{{json .IPAM.Config}}'`]}
      const problems: string[] = []
      const symptoms = new Set<string>()
      let corrected: string | undefined
      for (const pool of pools) {
        const canonical = canonicalCidr(pool.subnet)
        if (canonical && canonical !== pool.subnet) {
          problems.push(`${pool.subnet} is written with host bits set (the network is ${canonical})`)
          symptoms.add('host-bits')
          corrected = canonical
        }
        const lan = lans.find((candidate) => cidrsOverlap(candidate, pool.subnet))
        if (lans.length > 0 && !lan) {
          problems.push(`${pool.subnet} is not the LAN on ${parent.name} (${lans.join(', ')}): nothing on the LAN has a route to the containers`)
          symptoms.add('foreign-subnet')
        } else if (lan && lan !== canonical) {
          symptoms.add('size-differs')
          problems.push(`${pool.subnet} and the LAN's ${lan} differ in size: ${cidrContains(pool.subnet, lan.split('/')[0] ?? '') ? 'containers may get addresses outside the LAN' : 'the LAN has devices Docker does not know are on-link'}`)
          corrected = lan
        }
      }
      if (problems.length === 0) {
        if (lans.length === 0) return notApplicable(subject, `Not compared: the host has no address on ${parent.name} to compare the subnet with.`)
        return {outcome: 'pass', subject, message: `Subnet ${pools.map((pool) => pool.subnet).join(', ')} matches the LAN on ${parent.name}.`, evidence} satisfies Finding
      }
      return {
        outcome: 'warn',
        subject,
        message: `Subnet mismatch on ${l2.network.name}: ${problems.join('; ')}.`,
        evidence,
        symptoms: [...symptoms],
        fix: corrected
          ? {summary: `Recreate the network with --subnet=${corrected}.`, commands: recreateNetworkCommands(model, l2, {subnet: corrected})}
          : {summary: `Recreate the network on the subnet of the LAN that ${parent.name} is on.`, commands: []},
      } satisfies Finding
    }),
}
