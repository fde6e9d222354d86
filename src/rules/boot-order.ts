import type {Finding, Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import {parentNames, type HostModel} from '../model/host-model.js'
import {networkdNameMatches} from '../model/unit-file.js'
import {networkdShimFiles, persistenceCommands, persistenceFor, shimSpecOf, writeCommands} from '../remedy/persistence.js'
import type {BootPath, NetConfig} from '../snapshot/types.js'
import {notApplicable} from './support/common.js'

/** A step of the boot path that is missing, and the commands that add it. */
interface Step {
  missing: string
  commands: string[]
}

/** The ways `boot` brings the shim back, and the steps missing from the ways that do not. */
interface Judged {
  ways: string[]
  steps: Step[]
}

/** ifupdown runs its hook directories with run-parts, which skips any name but letters, digits, '_' and '-'. */
const RUN_PARTS_DIR = /^\/etc\/network\/if-[a-z-]+\.d\//
const RUN_PARTS_NAME = /^[A-Za-z0-9_-]+$/

function units(boot: BootPath): Judged {
  const judged: Judged = {ways: [], steps: []}
  for (const unit of boot.units) {
    const enable = sh`systemctl enable ${unit.unit}`
    if (unit.masked) judged.steps.push({missing: `unit ${unit.unit} is masked (/etc/systemd/system/${unit.unit} links to /dev/null), so nothing starts it`, commands: [sh`systemctl unmask ${unit.unit}`, ...(unit.enabledBy.length > 0 ? [] : [enable])]})
    else if (unit.enabledBy.length > 0) judged.ways.push(`unit ${unit.unit} is enabled (${unit.enabledBy.join(', ')})`)
    else if (unit.install.length === 0) judged.steps.push({missing: `unit ${unit.unit} is not enabled, and its [Install] section names no target to enable it for`, commands: [sh`printf '\n[Install]\nWantedBy=multi-user.target\n' >> ${unit.path}`, 'systemctl daemon-reload', enable]})
    else judged.steps.push({missing: `unit ${unit.unit} is not enabled: there is no link to it in ${unit.install.join(' or ')}`, commands: [enable]})
  }
  return judged
}

/** The .network file systemd-networkd configures `parent` from: networkd's own word for it, or the first file that matches it. */
const parentNetworkFile = (config: NetConfig, parent: string) => config.networkd[parent]?.networkFile ?? config.boot?.[parent]?.networkd?.configuredBy[0]

function networkd(boot: BootPath, model: HostModel, shim: string, parent: string): Judged {
  const files = boot.networkd
  if (!files) return {ways: [], steps: []}
  const config = model.data('netConfig')
  const spec = shimSpecOf(model, shim)
  const parentFile = parentNetworkFile(config, parent)
  const shimFiles = spec && parentFile ? networkdShimFiles(spec, parentFile) : spec ? networkdShimFiles(spec, '') : undefined
  const steps: Step[] = []
  const netdev = files.netdevs.find((candidate) => candidate.kind === 'macvlan')
  if (!netdev) steps.push({missing: `no .netdev with Name=${shim} and Kind=macvlan creates it`, commands: shimFiles ? [...writeCommands([shimFiles.netdev]), 'networkctl reload'] : []})
  const attached = files.attachedBy.find((network) => network.path === config.networkd[parent]?.networkFile || networkdNameMatches(network.match, parent))
  if (!attached) {
    const elsewhere = files.attachedBy.map((network) => `${network.dropIn ?? network.path} lists MACVLAN=${shim} for Name=${network.match.join(' ') || '(none)'}`)
    steps.push({
      missing: `no .network of its parent ${parent} lists MACVLAN=${shim}, so networkd never creates it${elsewhere.length > 0 ? ` (${elsewhere.join('; ')})` : ''}${parentFile ? '' : `: add MACVLAN=${shim} to the [Network] section of the .network that matches ${parent}`}`,
      commands: shimFiles && parentFile ? [...writeCommands([shimFiles.dropIn]), 'networkctl reload'] : [],
    })
  }
  if (files.configuredBy.length === 0) steps.push({missing: `no .network matches Name=${shim}, so it comes back without its address`, commands: shimFiles ? [...writeCommands([shimFiles.network]), 'networkctl reload'] : []})
  if (steps.length > 0) return {ways: [], steps}
  return {ways: [`systemd-networkd creates it from ${netdev?.path}, attached by ${attached?.dropIn ?? attached?.path}, addressed by ${files.configuredBy.join(', ')}`], steps: []}
}

function ifupdown(boot: BootPath): Judged {
  const judged: Judged = {ways: [], steps: []}
  for (const stanza of boot.ifupdown) {
    if (stanza.auto) judged.ways.push(`ifupdown brings up ${stanza.iface} at boot (${stanza.path})`)
    else judged.steps.push({missing: `the ifupdown stanza for ${stanza.iface} in ${stanza.path} has no "auto ${stanza.iface}" (or allow-hotplug) line, so nothing brings it up at boot`, commands: [sh`printf '\nauto %s\n' ${stanza.iface} >> ${stanza.path}`]})
  }
  return judged
}

function networkManager(boot: BootPath): Judged {
  const judged: Judged = {ways: [], steps: []}
  for (const keyfile of boot.networkManager) {
    const id = keyfile.id ?? (keyfile.path.split('/').pop() ?? '').replace(/\.nmconnection$/, '')
    if (keyfile.autoconnect) judged.ways.push(`NetworkManager connects ${id} at boot (${keyfile.path})`)
    else judged.steps.push({missing: `NetworkManager's connection ${id} (${keyfile.path}) has autoconnect=false`, commands: [sh`nmcli connection modify ${id} connection.autoconnect yes`]})
  }
  return judged
}

function scripts(boot: BootPath): Judged {
  const judged: Judged = {ways: [], steps: []}
  for (const script of boot.scripts) {
    const name = script.path.slice(script.path.lastIndexOf('/') + 1)
    const skipped = RUN_PARTS_DIR.test(script.path) && !RUN_PARTS_NAME.test(name)
    if (script.executable && !skipped) judged.ways.push(`${script.path} is an executable hook`)
    else if (!script.executable) judged.steps.push({missing: `${script.path} is not executable, so it never runs`, commands: [sh`chmod +x ${script.path}`]})
    else judged.steps.push({missing: `run-parts skips ${script.path}: its name has characters other than letters, digits, '_' and '-'`, commands: [sh`mv ${script.path} ${script.path.replace(/[^/]*$/, name.replaceAll(/[^A-Za-z0-9_-]/g, '-'))}`]})
  }
  return judged
}

function bootFinding(model: HostModel, shim: string, parent: string): Finding {
  const config = model.data('netConfig')
  const subject = {interface: shim}
  const places = config.mentions[shim] ?? []
  const boot = config.boot?.[shim]
  const evidence = {
    facts: {configuredIn: places, ...(config.boot ? {bootPath: boot ?? null} : {}), networkd: config.networkd[shim]},
    commands: [sh`grep -rlF -e ${shim} /etc/network /etc/netplan /etc/systemd /etc/NetworkManager /etc/networkd-dispatcher /etc/rc.local`, ...(boot?.units ?? []).map((unit) => sh`systemctl is-enabled ${unit.unit}`)],
  }
  if (!config.boot && places.length > 0) {
    // Like a replay without DHCP answers: the file cannot say, and the host was not undiagnosed for it.
    return {...notApplicable(subject, `Not checked: this snapshot was collected before macvlan-doctor read what brings a shim back at boot; it shows only that ${places.join(', ')} name ${shim}, not whether anything enables them.`), evidence}
  }
  const judged = boot ? [units(boot), networkd(boot, model, shim, parent), ifupdown(boot), networkManager(boot), scripts(boot)] : []
  const ways = judged.flatMap((part) => part.ways)
  const steps = judged.flatMap((part) => part.steps)
  if (ways.length > 0) return {outcome: 'pass', subject, message: `Shim ${shim} comes back at boot: ${ways.join('; ')}.`, evidence}
  if (steps.length > 0) {
    return {
      outcome: 'warn',
      subject,
      message: `Shim ${shim} is configured in ${places.join(', ')}, but that does not bring it back at boot: ${steps.map((step) => step.missing).join('; ')}. After the next reboot the host loses its path to the containers again.`,
      evidence,
      fix: {summary: `Complete ${shim}'s boot path: ${steps.map((step) => step.missing).join('; ')}.`, commands: [...new Set(steps.flatMap((step) => step.commands))]},
    }
  }
  const warning: Finding = {
    outcome: 'warn',
    subject,
    message:
      places.length > 0
        ? `Shim ${shim} is named in ${places.join(', ')}, but none of them creates it at boot (netplan cannot create macvlans), so after the next reboot the host loses its path to the containers again.`
        : `Shim ${shim} exists only at runtime: no network configuration or unit names it, so after the next reboot the host loses its path to the containers again.`,
    evidence,
  }
  const spec = shimSpecOf(model, shim)
  if (!spec) return warning
  const persistence = persistenceFor(model, spec)
  if (persistence.refused) return {...warning, message: `${warning.message} It cannot be made persistent for you: ${persistence.refused}.`}
  return {...warning, fix: {summary: `Make ${shim} persistent (${persistence.reason}): \`macvlan fix --persist\` writes these files.`, commands: persistenceCommands(persistence), shim: spec}}
}

export const bootOrder: Rule = {
  meta: {id: 'boot-order', code: 'MVD027', title: 'Shims and Docker come back after a reboot', severity: 'warn', requires: ['host', 'links', 'addresses', 'routes', 'networks', 'netConfig']},
  evaluate: ({model}) => {
    const config = model.data('netConfig')
    const parents = parentNames(model.macvlanNetworks())
    const findings: Finding[] = parents.flatMap((parent) => model.shimsOn(parent).map((shim) => bootFinding(model, shim.name, parent)))
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
