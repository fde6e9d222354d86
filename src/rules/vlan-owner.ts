import type {Finding, Rule} from '../engine/types.js'
import {shellLine} from '../exec/quote.js'
import type {HostModel, L2Network} from '../model/host-model.js'
import type {Link} from '../snapshot/types.js'
import {onEachParent} from './support/common.js'

/** Where the host's own configuration declares `name`: files that name it, networkd's .network for it, NetworkManager's profile on it. */
function declarations(model: HostModel, name: string): string[] {
  const config = model.data('netConfig')
  const profile = config.networkManager.find((device) => device.device === name)?.connection
  return [...new Set([...(config.mentions[name] ?? []), config.networkd[name]?.networkFile, profile && `NetworkManager profile ${profile}`].filter((place): place is string => Boolean(place)))]
}

function judge(model: HostModel, l2: L2Network, parent: Link): Finding {
  const subject = {network: l2.network.name, interface: parent.name}
  const places = declarations(model, parent.name)
  const users = model.l2Networks().filter((other) => other.parent === parent.name).map((other) => other.network.name)
  const addresses = [...model.addressesOf(parent.name), ...model.addressesOf(parent.name, 'inet6').filter((address) => address.scope !== 'link')].map((address) => `${address.local}/${address.prefixlen}`)
  const stacked = model.data('links').filter((link) => link.parent === parent.name).map((link) => link.name)
  const evidence = {facts: {parent: parent.name, vlanId: parent.vlanId, lower: parent.parent, declaredIn: places, networks: users, addresses, stacked}, commands: [shellLine(['ip', '-d', 'link', 'show', 'dev', parent.name]), shellLine(['grep', '-rlF', '-e', parent.name, '/etc/network', '/etc/netplan', '/etc/systemd', '/etc/NetworkManager'])]}
  if (places.length > 0) return {outcome: 'pass', subject, message: `${parent.name} is declared in ${places.join(', ')}: the host owns it, and docker network rm leaves it alone.`, evidence}
  const removal = users.length > 1 ? `when the last of ${users.join(', ')} is removed (\`${shellLine(['docker', 'network', 'rm', ...users])}\`)` : `with \`${shellLine(['docker', 'network', 'rm', l2.network.name])}\``
  const owned = `${parent.name} is in no network configuration of this host, so Docker made it for ${users.join(', ')} and deletes it ${removal}`
  const taken = [...addresses.map((address) => `the host's address ${address}`), ...stacked]
  if (taken.length === 0) return {outcome: 'pass', subject, message: `${owned}; nothing else of the host uses it.`, evidence}
  const vlan = `${parent.name} (VLAN ${parent.vlanId ?? '?'} on ${parent.parent ?? '?'})`
  return {
    outcome: 'warn',
    subject,
    message: `${vlan} ${owned.slice(parent.name.length + 1)}, taking with it ${taken.join(' and ')} on it. It comes back only when Docker recreates the network.`,
    evidence,
    fix: {summary: `Declare ${vlan} in the host's network configuration (systemd-networkd, netplan, NetworkManager or ifupdown: see \`macvlan explain vlan-owner\`): Docker then uses it and never deletes it.`, commands: []},
  }
}

export const vlanOwner: Rule = {
  meta: {id: 'vlan-owner', code: 'MVD039', title: 'VLAN parents belong to the host, not to Docker', severity: 'warn', requires: ['links', 'addresses', 'networks', 'netConfig']},
  evaluate: ({model}) =>
    onEachParent(
      model,
      (l2, parent) => judge(model, l2, parent),
      model.l2Networks().filter((l2) => l2.parent && model.link(l2.parent)?.kind === 'vlan'),
    ),
}
