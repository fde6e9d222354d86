import type {Finding, Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import {recreateNetworkCommands} from '../remedy/docker-commands.js'
import {MissingSlice, type HostModel, type L2Network} from '../model/host-model.js'
import {noParent} from './support/common.js'

/** The link that carries the default route: the most likely new name of a renamed NIC. */
function defaultRouteDevice(model: HostModel): string | undefined {
  try {
    return model.data('routes').find((route) => route.table === 'main' && route.dst === 'default' && route.dev)?.dev
  } catch (error) {
    if (error instanceof MissingSlice) return undefined
    throw error
  }
}

function judge(model: HostModel, l2: L2Network): Finding {
  const subject = {network: l2.network.name, interface: l2.parent}
  if (!l2.parent) return noParent(subject)
  const parent = model.link(l2.parent)
  const containers = model.containerNames(l2.network)
  const commands = [sh`ip -d link show dev ${l2.parent}`, sh`docker network inspect ${l2.network.name} --format '{{.Options.parent}}'`]
  if (parent) {
    return {outcome: 'pass', subject, message: `Parent ${l2.parent} exists (ifindex ${parent.ifindex}).`, evidence: {facts: {parent: l2.parent, ifindex: parent.ifindex}, commands}}
  }
  const vlan = /^(?<base>[^.]+)\.(?<vid>\d+)$/.exec(l2.parent)?.groups
  const facts = {parent: l2.parent, containers, links: model.data('links').map((link) => link.name)}
  if (vlan?.base && vlan.vid) {
    const baseExists = model.link(vlan.base) !== undefined
    return {
      outcome: 'fail',
      subject,
      message: baseExists
        ? `VLAN sub-interface ${l2.parent} is gone (its base ${vlan.base} exists): ${containers.length} container(s) on ${l2.network.name} are cut off.`
        : `Neither the VLAN sub-interface ${l2.parent} nor its base ${vlan.base} exists: ${containers.length} container(s) on ${l2.network.name} are cut off.`,
      evidence: {facts: {...facts, vlanBase: vlan.base, vlanBaseExists: baseExists}, commands},
      fix: baseExists
        ? {
            summary: `Recreate ${l2.parent} (or restart Docker, which recreates VLAN links it made itself).`,
            commands: ['modprobe 8021q', sh`ip link add link ${vlan.base} name ${l2.parent} type vlan id ${vlan.vid}`, sh`ip link set ${l2.parent} up`],
          }
        : {summary: `Find the NIC that replaced ${vlan.base} (ip -br link), then recreate the network on <nic>.${vlan.vid}.`, commands: ['ip -br link']},
    }
  }
  const candidate = defaultRouteDevice(model)
  return {
    outcome: 'fail',
    subject,
    message: `Parent ${l2.parent} does not exist (renamed or removed NIC): ${containers.length} container(s) on ${l2.network.name} cannot start or are cut off.`,
    evidence: {facts: {...facts, defaultRouteDevice: candidate}, commands},
    fix: {
      summary: candidate
        ? `Recreate the network on the NIC that exists now (${candidate} carries the default route), or pin the old name with a systemd .link file.`
        : 'Recreate the network on a NIC that exists (ip -br link), or pin the old name with a systemd .link file.',
      commands: recreateNetworkCommands(model, l2, {parent: candidate ?? '<nic>'}),
    },
  }
}

export const parentMissing: Rule = {
  meta: {id: 'parent-missing', code: 'MVD003', title: 'Parent interface exists', severity: 'fail', requires: ['links', 'networks', 'containers'], optional: ['routes']},
  evaluate: ({model}) => model.l2Networks().map((l2) => judge(model, l2)),
}
