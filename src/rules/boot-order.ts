import type {Finding, Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import {parentNames} from '../model/host-model.js'
import {persistenceCommands, persistenceFor, shimSpecOf} from '../remedy/persistence.js'

export const bootOrder: Rule = {
  meta: {id: 'boot-order', code: 'MVD027', title: 'Shims and Docker come back after a reboot', severity: 'warn', requires: ['host', 'links', 'addresses', 'routes', 'networks', 'netConfig']},
  evaluate: ({model}) => {
    const config = model.data('netConfig')
    const parents = parentNames(model.macvlanNetworks())
    const findings: Finding[] = parents.flatMap((parent) =>
      model.shimsOn(parent).map((shim): Finding => {
        const subject = {interface: shim.name}
        const places = config.mentions[shim.name] ?? []
        const evidence = {facts: {configuredIn: places, networkd: config.networkd[shim.name]}, commands: [sh`grep -rlF -e ${shim.name} /etc/network /etc/netplan /etc/systemd /etc/NetworkManager`]}
        if (places.length > 0) return {outcome: 'pass', subject, message: `Shim ${shim.name} is configured in ${places.join(', ')}, so it comes back after a reboot.`, evidence}
        const warning: Finding = {
          outcome: 'warn',
          subject,
          message: `Shim ${shim.name} exists only at runtime: no network configuration or unit names it, so after the next reboot the host loses its path to the containers again.`,
          evidence,
        }
        const spec = shimSpecOf(model, shim.name)
        if (!spec) return warning
        const persistence = persistenceFor(model, spec)
        if (persistence.refused) return {...warning, message: `${warning.message} It cannot be made persistent for you: ${persistence.refused}.`}
        return {...warning, fix: {summary: `Make ${shim.name} persistent (${persistence.reason}): \`macvlan fix --persist\` writes these files.`, commands: persistenceCommands(persistence), shim: spec}}
      }),
    )
    if (config.dockerUnitAfter && parents.length > 0) {
      const waits = config.dockerUnitAfter.includes('network-online.target')
      const evidence = {facts: {after: config.dockerUnitAfter}, commands: ['systemctl show docker.service --property=After']}
      findings.push(
        waits
          ? {outcome: 'pass', subject: {}, message: 'docker.service starts after network-online.target.', evidence}
          : {
              outcome: 'warn',
              subject: {},
              message: 'docker.service does not wait for network-online.target: at boot Docker can restore macvlan networks before their parent exists, and only logs "Could not create macvlan network … from persistent state".',
              evidence,
              fix: {summary: 'Order Docker after the network is online.', commands: ["mkdir -p /etc/systemd/system/docker.service.d && printf '[Unit]\\nAfter=network-online.target\\nWants=network-online.target\\n' > /etc/systemd/system/docker.service.d/10-network-online.conf", 'systemctl daemon-reload']},
            },
      )
    }
    return findings
  },
}
