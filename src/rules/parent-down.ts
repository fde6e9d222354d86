import type {Finding, Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import {ENGINE, engineBetween} from '../model/engine.js'
import type {HostModel, L2Network} from '../model/host-model.js'
import type {Link} from '../snapshot/types.js'
import type {ProbeResults} from '../probe/types.js'
import {downReason, onEachParent} from './support/common.js'
import {probeFacts, recordsFor} from './support/probe-evidence.js'

function judge(model: HostModel, l2: L2Network, parent: Link, probes: ProbeResults | undefined): Finding {
  const subject = {network: l2.network.name, interface: parent.name}
  const commands = [sh`ip -d link show dev ${parent.name}`, sh`cat /sys/class/net/${parent.name}/carrier`]
  const facts = {parent: parent.name, flags: parent.flags, operstate: parent.operstate}
  const reason = downReason(parent)
  if (!reason) return {outcome: 'pass', subject, message: `Parent ${parent.name} is up with carrier.`, evidence: {facts, commands}}

  const containers = model.containerNames(l2.network)
  const probed = recordsFor(probes, 'container-to-gateway', {network: l2.network.name})
  const lower = parent.parent ? model.link(parent.parent) : undefined
  const lowerReason = lower ? downReason(lower) : undefined
  // 28.0.x sends a neighbour advertisement when it wires a container, and a down parent makes that, and the start, fail.
  const startFails = engineBetween(model.engine(), ENGINE.parentDownStartFailure)
  const stopped = model.containersOn(l2.network).filter((container) => !container.running).map((container) => container.name)
  const startFailure = startFails
    ? ` Docker Engine ${model.engine()?.serverVersion} also refuses to start a container on a down parent ("failed to advertise addresses: … network is unreachable", moby#49593)${stopped.length > 0 ? `: ${stopped.join(', ')} ${stopped.length === 1 ? 'is' : 'are'} not running` : ''}.`
    : ''
  const message = `Parent ${parent.name} is ${reason}${lower && lowerReason ? ` because its lower link ${lower.name} is ${lowerReason}` : ''}: all ${containers.length} container(s) on ${l2.network.name} are cut off, even from each other.${startFailure}`
  const upgrade = startFails ? '; or upgrade Docker to 28.1 or newer, which starts containers on a down parent' : ''
  const culprit = lower && lowerReason ? lower : parent
  const adminDown = !culprit.flags.includes('UP')
  return {
    outcome: 'fail',
    subject,
    message,
    evidence: {facts: {...facts, containers, ...(lower ? {lower: lower.name, lowerFlags: lower.flags, lowerOperstate: lower.operstate} : {}), ...(probed.length > 0 ? probeFacts(probed) : {})}, commands},
    fix: adminDown
      ? {
          summary: `Bring ${culprit.name} up, then make it start at boot in your network manager${upgrade}.`,
          commands: [sh`ip link set ${culprit.name} up`],
          actions: [{run: ['ip', 'link', 'set', culprit.name, 'up'], undo: ['ip', 'link', 'set', culprit.name, 'down']}],
        }
      : {summary: `${culprit.name} has no carrier: check the cable, the switch port (or the veth/VM peer) and the link partner${upgrade}.`, commands: [sh`ip -s link show dev ${culprit.name}`, sh`ethtool ${culprit.name}`]},
  }
}

export const parentDown: Rule = {
  meta: {id: 'parent-down', code: 'MVD004', title: 'Parent interface is up', severity: 'fail', requires: ['links', 'networks', 'containers'], optional: ['docker'], probes: ['container-to-gateway']},
  evaluate: ({model, probes}) => onEachParent(model, (l2, parent) => judge(model, l2, parent, probes)),
}
