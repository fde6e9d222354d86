import type {Finding, Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'

export const swarmScope: Rule = {
  meta: {id: 'swarm-scope', code: 'MVD025', title: 'Swarm macvlan networks have their config on this node', severity: 'fail', requires: ['networks']},
  evaluate: ({model}) => {
    const networks = model.data('networks')
    return networks
      .filter((network) => network.scope === 'swarm' && !network.configOnly && (network.driver === 'macvlan' || network.driver === 'ipvlan'))
      .map((network): Finding => {
        const subject = {network: network.name}
        const template = networks.find((candidate) => candidate.configOnly && (candidate.name === network.configFrom || candidate.id === network.configFrom))
        const evidence = {facts: {scope: network.scope, configFrom: network.configFrom, template: template?.name}, commands: [sh`docker network inspect ${network.name} --format '{{.Scope}} {{.ConfigFrom.Network}}'`, 'docker network ls --filter scope=local']}
        if (!network.configFrom || !template) {
          return {
            outcome: 'fail',
            subject,
            message: `Swarm network ${network.name} ${network.configFrom ? `takes its settings from ${network.configFrom}, which does not exist on this node` : 'has no --config-from'}: tasks scheduled here cannot attach (no parent, no range).`,
            evidence,
            fix: {
              summary: `Create the config-only network on this node with this node's parent and a range no other node uses.`,
              commands: [sh`docker network create --config-only -o parent=<nic> --subnet=<subnet> --gateway=<gateway> --ip-range=<range-unique-to-this-node> ${network.configFrom ?? `${network.name}-config`}`],
            },
          }
        }
        return {outcome: 'pass', subject, message: `Swarm network ${network.name} takes parent ${template.options.parent ?? '(none)'} and its range from ${template.name} on this node; each node's range must differ, as Docker does not coordinate macvlan IPAM across nodes.`, evidence}
      })
  },
}
