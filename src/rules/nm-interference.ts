import type {Finding, Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import type {HostModel} from '../model/host-model.js'
import {unwritableName} from '../remedy/persistence.js'

/** Links a network manager should leave alone unless told about them by name: host shims and VLAN parents. */
function watchedLinks(model: HostModel): string[] {
  const parents = model.l2Networks().flatMap((l2) => (l2.parent ? [l2.parent] : []))
  const vlanParents = parents.filter((name) => model.link(name)?.kind === 'vlan')
  return [...new Set([...parents.flatMap((parent) => model.shimsOn(parent).map((link) => link.name)), ...vlanParents])].sort()
}

export const nmInterference: Rule = {
  meta: {id: 'nm-interference', code: 'MVD026', title: 'No network manager grabs Docker-made links or shims', severity: 'warn', requires: ['links', 'addresses', 'routes', 'networks', 'netConfig']},
  evaluate: ({model}) => {
    const config = model.data('netConfig')
    return watchedLinks(model).map((name): Finding => {
      const subject = {interface: name}
      const named = (config.mentions[name] ?? []).length > 0
      const networkd = config.networkd[name]
      const nm = config.networkManager.find((device) => device.device === name)
      const evidence = {facts: {networkd, networkManager: nm, configuredIn: config.mentions[name] ?? []}, commands: [sh`networkctl status ${name}`, sh`nmcli device show ${name}`]}
      const problems: string[] = []
      if (networkd && ['configuring', 'failed'].includes(networkd.adminState ?? '')) problems.push(`systemd-networkd is ${networkd.adminState} it${networkd.networkFile ? ` with ${networkd.networkFile}` : ''}`)
      else if (networkd?.adminState === 'configured' && !named) problems.push(`systemd-networkd configures it from ${networkd.networkFile ?? 'a catch-all .network file'}, which does not name it`)
      if (nm && !['unmanaged', 'unavailable'].includes(nm.state) && !named) problems.push(`NetworkManager has it ${nm.state}${nm.connection ? ` with the profile "${nm.connection}"` : ''}, which no keyfile names`)
      if (problems.length === 0) return {outcome: 'pass', subject, message: named ? `${name} is configured on purpose (${config.mentions[name]?.join(', ')}).` : `No network manager touches ${name}.`, evidence}
      const warning: Finding = {
        outcome: 'warn',
        subject,
        message: `${name}: ${problems.join('; ')}. A manager that runs DHCP on it, adds routes or resets it cuts the host or the containers off.`,
        evidence,
      }
      // The name goes into a keyfile and a networkd glob below: only one that both read as itself.
      const unwritable = unwritableName(name)
      if (unwritable) return {...warning, message: `${warning.message} No configuration can be written for it: ${unwritable}.`}
      return {
        ...warning,
        fix: {
          summary: `Tell the manager to leave ${name} alone.`,
          commands: [
            ...(nm ? [`printf '[keyfile]\\nunmanaged-devices=interface-name:${name}\\n' > /etc/NetworkManager/conf.d/90-macvlan-doctor.conf`, 'systemctl reload NetworkManager'] : []),
            ...(networkd ? [`printf '[Match]\\nName=${name}\\n\\n[Link]\\nUnmanaged=yes\\n' > /etc/systemd/network/05-${name}-unmanaged.network`, 'networkctl reload'] : []),
          ],
        },
      }
    })
  },
}
