import type {Finding, Rule} from '../engine/types.js'
import {shellLine} from '../model/commands.js'
import type {HostModel} from '../model/host-model.js'

const UNIT = '/etc/systemd/system/macvlan-shim-%s.service'

/** A systemd unit that re-creates `shim` as it is now, for hosts whose network manager cannot. */
function unitFor(model: HostModel, shim: string): string[] {
  const link = model.link(shim)
  const addresses = model.addressesOf(shim).map((address) => `${address.local}/${address.prefixlen}`)
  const routes = model.data('routes').filter((route) => route.table === 'main' && route.dev === shim && route.protocol !== 'kernel' && !route.dst.includes(':'))
  const exec = [
    shellLine(['ip', 'link', 'add', shim, 'link', link?.parent ?? '<parent>', 'type', 'macvlan', 'mode', link?.mode ?? 'bridge']),
    ...addresses.map((cidr) => shellLine(['ip', 'addr', 'add', cidr, 'dev', shim])),
    shellLine(['ip', 'link', 'set', shim, 'up']),
    ...routes.map((route) => shellLine(['ip', 'route', 'add', route.dst, 'dev', shim])),
  ]
  const unit = [
    '[Unit]',
    `Description=macvlan shim ${shim} (host access to macvlan containers)`,
    'After=network-online.target',
    'Wants=network-online.target',
    'Before=docker.service',
    '',
    '[Service]',
    'Type=oneshot',
    'RemainAfterExit=yes',
    ...exec.map((command) => `ExecStart=${command}`),
    `ExecStop=ip link del ${shim}`,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
  ].join('\\n')
  const path = UNIT.replace('%s', shim)
  return [`printf '${unit}\\n' > ${path}`, `systemctl daemon-reload && systemctl enable macvlan-shim-${shim}.service`]
}

export const bootOrder: Rule = {
  meta: {id: 'boot-order', code: 'MVD027', title: 'Shims and Docker come back after a reboot', severity: 'warn', requires: ['links', 'addresses', 'routes', 'networks', 'netConfig']},
  evaluate: ({model}) => {
    const config = model.data('netConfig')
    const parents = [...new Set(model.macvlanNetworks().flatMap((l2) => (l2.parent ? [l2.parent] : [])))]
    const findings: Finding[] = parents.flatMap((parent) =>
      model.shimsOn(parent).map((shim): Finding => {
        const subject = {interface: shim.name}
        const places = config.mentions[shim.name] ?? []
        const evidence = {facts: {configuredIn: places, networkd: config.networkd[shim.name]}, commands: [`grep -rl ${shim.name} /etc/network /etc/netplan /etc/systemd /etc/NetworkManager`]}
        if (places.length > 0) return {outcome: 'pass', subject, message: `Shim ${shim.name} is configured in ${places.join(', ')}, so it comes back after a reboot.`, evidence}
        return {
          outcome: 'warn',
          subject,
          message: `Shim ${shim.name} exists only at runtime: no network configuration or unit names it, so after the next reboot the host loses its path to the containers again.`,
          evidence,
          fix: {summary: `Make ${shim.name} persistent: in your network manager (see \`macvlan explain host-isolation\`), or with this systemd unit.`, commands: unitFor(model, shim.name)},
        }
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
