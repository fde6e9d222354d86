import type {Finding, Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import {ENGINE, engineAtLeast} from '../model/engine.js'
import type {HostModel, L2Network} from '../model/host-model.js'
import {recreateNetworkCommands} from '../remedy/docker-commands.js'

/** The dummy link Docker makes for a network without a parent: `dm-` (macvlan) or `di-` (ipvlan) and the short network ID. */
const dummyName = (l2: L2Network) => `${l2.driver === 'ipvlan' ? 'di' : 'dm'}-${l2.network.id.slice(0, 12)}`

function judge(model: HostModel, l2: L2Network): Finding {
  const name = l2.network.name
  const subject = {network: name}
  const dummy = dummyName(l2)
  const containers = model.containerNames(l2.network)
  const engine = model.engine()
  const internalSince = engineAtLeast(engine, ENGINE.parentlessInternal)
  const gateways = l2.ipam.flatMap((config) => (config.gateway ? [config.gateway] : []))
  const evidence = {
    facts: {network: name, parent: null, internal: l2.network.internal, dummy, dummyExists: model.link(dummy) !== undefined, engine: engine?.serverVersion, gateways, containers},
    commands: [sh`docker network inspect ${name} --format '{{.Internal}} {{json .Options}} {{json .IPAM.Config}}'`, sh`ip -d link show dev ${dummy}`],
  }
  const on = `Docker put ${name} on its own dummy link ${dummy}, which leads nowhere`
  if (l2.network.internal) return {outcome: 'pass', subject, message: `${name} has no parent and is --internal: ${on}, so its containers reach only each other on this host, as declared.`, evidence}
  const members = containers.length > 0 ? ` (${containers.join(', ')})` : ''
  const message =
    internalSince === true
      ? `${name} has no parent (-o parent=): ${on}, and from Engine 26.1 treats it as --internal: no gateway, no default route, no external DNS. Its containers${members} reach only each other on this host, never the LAN.`
      : internalSince === false
        ? `${name} has no parent (-o parent=): ${on}, yet Engine ${engine?.serverVersion} gives its containers${members} a default route via ${gateways.join(', ') || 'the gateway'} through it: traffic off the subnet, DNS included, goes nowhere, and a container also attached to a working network may lose its default route to this one.`
        : `${name} has no parent (-o parent=): ${on}, so its containers${members} never reach the LAN.`
  return {
    outcome: 'warn',
    subject,
    message,
    evidence,
    fix: {
      summary: `To put ${name} on the LAN, recreate it with -o parent= set to the host's LAN interface; to keep it isolated on purpose, recreate it with --internal so it says so.`,
      commands: recreateNetworkCommands(model, l2, {internal: true}),
    },
  }
}

export const parentlessNetwork: Rule = {
  meta: {id: 'parentless-network', code: 'MVD038', title: 'Networks without a parent are isolated on purpose', severity: 'warn', requires: ['networks', 'containers', 'links'], optional: ['docker']},
  evaluate: ({model}) => model.l2Networks().filter((l2) => !l2.parent).map((l2) => judge(model, l2)),
}
