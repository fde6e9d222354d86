import type {Finding, Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import {parentNames, type HostModel} from '../model/host-model.js'
import {isUnicastMac} from '../model/mac.js'
import type {Link} from '../snapshot/types.js'

interface Holder {
  who: string
  state: string
}

/**
 * Docker (20.10's macvlan driver) creates a container's link in the host's namespace as `veth` and seven hex digits,
 * down, and then moves it into the container: caught in between, it is that container's own link.
 */
const inTransit = (link: Link) => /^veth[0-9a-f]{7}$/.test(link.name) && !link.flags.includes('UP')

/** Who uses which MAC on `parent`'s L2: the parent, host macvlans, and every container (a created one by the MAC it asked for). */
function holdersOn(model: HostModel, parent: string): Map<string, Holder[]> {
  const holders = new Map<string, Holder[]>()
  const hold = (mac: string | undefined, holder: Holder) => {
    if (mac) holders.set(mac.toLowerCase(), [...(holders.get(mac.toLowerCase()) ?? []), holder])
  }
  hold(model.link(parent)?.mac, {who: `the parent ${parent}`, state: 'up'})
  for (const link of model.hostMacvlansOn(parent).filter((candidate) => !inTransit(candidate))) hold(link.mac, {who: `host macvlan ${link.name}`, state: link.flags.includes('UP') ? 'up' : 'down'})
  for (const l2 of model.l2Networks().filter((candidate) => candidate.parent === parent)) {
    for (const {container, endpoint} of model.endpointsOf(l2.network)) hold(endpoint.mac ?? container.requestedMac, {who: `container ${container.name}`, state: container.status})
  }
  return holders
}

export const duplicateMac: Rule = {
  meta: {id: 'duplicate-mac', code: 'MVD016', title: 'Every MAC on a parent is unique and unicast', severity: 'fail', requires: ['links', 'networks', 'containers']},
  evaluate: ({model}) => {
    const parents = parentNames(model.l2Networks()).filter((parent) => model.link(parent))
    return parents.map((parent): Finding => {
      const holders = holdersOn(model, parent)
      const duplicates = [...holders].filter(([, list]) => new Set(list.map((holder) => holder.who)).size > 1)
      const invalid = [...holders].filter(([mac]) => !isUnicastMac(mac))
      const subject = {interface: parent}
      const evidence = {
        facts: {duplicates: Object.fromEntries(duplicates.map(([mac, list]) => [mac, list.map((holder) => `${holder.who} (${holder.state})`)])), multicast: invalid.map(([mac]) => mac)},
        commands: [`docker ps -a --format '{{.Names}} {{.Status}}'`, `docker inspect --format '{{.Name}} {{.Config.MacAddress}} {{range .NetworkSettings.Networks}}{{.MacAddress}}{{end}}' $(docker ps -aq)`],
      }
      if (duplicates.length === 0 && invalid.length === 0) return {outcome: 'pass', subject, message: `All ${holders.size} MACs on ${parent} are unique unicast addresses.`, evidence}
      const problems = [
        ...duplicates.map(([mac, list]) => `${mac} is used by ${list.map((holder) => `${holder.who} (${holder.state})`).join(' and ')}`),
        ...invalid.map(([mac, list]) => `${mac}, asked for by ${list[0]?.who}, is a multicast address ("cannot assign requested address")`),
      ]
      const blocked = duplicates.flatMap(([, list]) => list.filter((holder) => holder.state === 'created').map((holder) => holder.who.replace(/^container /, '')))
      return {
        outcome: 'fail',
        subject,
        message: `${problems.join('; ')}. The kernel refuses a second macvlan with the same MAC on one parent ("device or resource busy")${blocked.length > 0 ? `, so ${blocked.join(', ')} cannot start` : ''}.`,
        evidence,
        fix: {
          summary: 'Give each container its own locally administered unicast MAC (first octet x2, x6, xA or xE), or drop --mac-address / mac_address and let Docker choose.',
          commands: blocked.map((name) => sh`docker rm ${name}   # then re-create it without --mac-address, or with a unique one`),
        },
      }
    })
  },
}
