import type {Finding, Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import {recreateNetworkCommands} from '../remedy/docker-commands.js'

/** What each mode does to traffic between two macvlans on the same parent. */
const MODES: Record<string, string> = {
  bridge: 'macvlans on the same parent talk to each other directly',
  private: 'macvlans on the same parent never talk to each other, not even through the switch',
  vepa: 'traffic between macvlans goes out to the switch and must be sent back (a switch with hairpin / reflective relay)',
  passthru: 'one macvlan takes over the parent: only one container can attach',
  source: 'only frames from listed source MACs are accepted',
}

export const macvlanMode: Rule = {
  meta: {id: 'macvlan-mode', code: 'MVD018', title: 'macvlan mode lets containers talk to each other', severity: 'warn', requires: ['networks', 'containers']},
  evaluate: ({model}) =>
    model.macvlanNetworks().map((l2): Finding => {
      const subject = {network: l2.network.name, interface: l2.parent}
      const containers = model.containerNames(l2.network)
      const evidence = {facts: {mode: l2.mode, containers}, commands: [sh`docker network inspect ${l2.network.name} --format '{{.Options.macvlan_mode}}'`]}
      const effect = MODES[l2.mode] ?? 'this mode is not one Docker accepts'
      if (l2.mode === 'bridge' || containers.length < 2) return {outcome: 'pass', subject, message: `Mode ${l2.mode}: ${effect}.`, evidence}
      return {
        outcome: l2.mode === 'passthru' ? 'fail' : 'warn',
        subject,
        message: `Network ${l2.network.name} is in ${l2.mode} mode, so ${effect}; ${containers.length} containers are attached (${containers.join(', ')}).`,
        evidence,
        fix: {summary: 'Recreate the network in bridge mode (the default) unless the isolation is wanted.', commands: recreateNetworkCommands(model, l2, {mode: 'bridge'})},
      }
    }),
}
