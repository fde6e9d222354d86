/**
 * How to make a shim survive a reboot, in the words of the network manager that owns its parent: files to write and
 * the command that activates them. Pure: `macvlan fix` prints these, and writes the files with --persist.
 */
import {createHash} from 'node:crypto'
import {basename} from 'node:path'

import {sh, shellLine, shellWord} from '../exec/quote.js'
import {MissingSlice, type HostModel} from '../model/host-model.js'

export interface ShimSpec {
  name: string
  parent: string
  mode: string
  /** CIDRs, e.g. 192.168.1.223/32. */
  addresses: string[]
  routes: string[]
}

type Manager = 'systemd-networkd' | 'NetworkManager' | 'ifupdown' | 'systemd-unit'

export interface Persistence {
  manager: Manager
  /** Why this manager was chosen, in words. */
  reason: string
  files: Array<{path: string; content: string; mode?: number}>
  /** Symbolic links that make the files count at boot (a unit's enable link): `activate` makes them too, --persist writes them. */
  links?: Array<{path: string; target: string}>
  /** Run after writing the files. */
  activate: string[]
  /** Why nothing can be written for this shim (then `files` and `activate` are empty): a name no file format here reads as itself. */
  refused?: string
}

/**
 * The shim's name, which also names its unit and files: `<network>-shim` when the network's name is short and plain.
 * Docker accepts any network name (`$(reboot)`, `;`, newlines, ESC), and interface names are at most 15 bytes, so any
 * other name keeps at most four plain characters and gets a hash of the whole name: never a character any shell,
 * unit or configuration file reads specially, and never one shim for two networks.
 */
export function shimNameFor(name: string): string {
  if (/^[A-Za-z0-9][A-Za-z0-9_-]{0,9}$/.test(name)) return `${name}-shim`
  const plain = name.replaceAll(/[^A-Za-z0-9_-]/g, '').replace(/^[_-]+/, '').slice(0, 4) || 'net'
  return `${plain}-${createHash('sha256').update(name).digest('hex').slice(0, 5)}-shim`
}

/** NetworkManager's macvlan.mode numbers. */
const NM_MODE: Record<string, number> = {vepa: 1, bridge: 2, private: 3, passthru: 4, source: 5}

/**
 * Interface names every format written here reads as themselves: not split by a shell, systemd or ifupdown, not a
 * networkd glob, not a keyfile escape, one line. The kernel allows far more (`$`, quotes, `;`, ESC), and Docker names a
 * parent whatever it was told: such a name is refused, never written.
 */
const WRITABLE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/
const IPV4_CIDR = /^(?:\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/

/** Why the interface `name` cannot be written into a configuration file, or undefined when it can. */
export function unwritableName(name: string, what = 'interface'): string | undefined {
  if (WRITABLE_NAME.test(name)) return undefined
  return `the ${what} name ${JSON.stringify(name)} is not made of letters, digits, '_', '.' and '-' (at most 15), so no configuration file can name it safely: rename the interface`
}

/** Why `spec` cannot be written into a file or a command line as it is, or undefined when it can. */
function unwritableReason(spec: ShimSpec): string | undefined {
  const badName = unwritableName(spec.name, 'shim') ?? unwritableName(spec.parent, 'parent')
  if (badName) return badName
  if (!(spec.mode in NM_MODE)) return `the macvlan mode ${JSON.stringify(spec.mode)} is not one the kernel knows`
  const odd = [...spec.addresses, ...spec.routes].find((cidr) => !IPV4_CIDR.test(cidr))
  return odd === undefined ? undefined : `${JSON.stringify(odd)} is not an IPv4 prefix`
}

/**
 * One word of a unit's ExecStart=: systemd splits words itself, reads C escapes in them and expands `$` and `%`
 * (systemd.service(5), "Command lines"), so shell quoting does not fit.
 */
export function unitWord(word: string): string {
  if (/^[\w@+=:,./-]+$/.test(word)) return word
  // eslint-disable-next-line no-control-regex -- control characters are what this escapes
  const escaped = word.replaceAll(/[\\"$%\u0000-\u001F\u007F]/g, (char) => {
    if (char === '$' || char === '%') return `${char}${char}`
    if (char === '\\' || char === '"') return `\\${char}`
    return `\\x${char.codePointAt(0)?.toString(16).padStart(2, '0')}`
  })
  return `"${escaped}"`
}

/** The shim as it is on the host now. */
export function shimSpecOf(model: HostModel, name: string): ShimSpec | undefined {
  const link = model.link(name)
  if (!link?.parent) return undefined
  return {
    name,
    parent: link.parent,
    mode: link.mode ?? 'bridge',
    addresses: model.addressesOf(name).map((address) => `${address.local}/${address.prefixlen}`),
    routes: model.data('routes').filter((route) => route.table === 'main' && route.dev === name && route.protocol !== 'kernel' && route.dst !== 'default' && !route.dst.includes(':')).map((route) => route.dst),
  }
}

function systemdUnit(spec: ShimSpec): Persistence {
  const exec = [
    ['ip', 'link', 'add', spec.name, 'link', spec.parent, 'type', 'macvlan', 'mode', spec.mode],
    ...spec.addresses.map((cidr) => ['ip', 'addr', 'add', cidr, 'dev', spec.name]),
    ['ip', 'link', 'set', spec.name, 'up'],
    ...spec.routes.map((route) => ['ip', 'route', 'add', route, 'dev', spec.name]),
  ]
  const content = [
    '[Unit]',
    `Description=macvlan shim ${spec.name} (host access to macvlan containers)`,
    'After=network-online.target',
    'Wants=network-online.target',
    'Before=docker.service',
    '',
    '[Service]',
    'Type=oneshot',
    'RemainAfterExit=yes',
    ...exec.map((argv) => `ExecStart=${argv.map(unitWord).join(' ')}`),
    `ExecStop=${['ip', 'link', 'del', spec.name].map(unitWord).join(' ')}`,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n')
  const unit = `macvlan-shim-${spec.name}.service`
  const path = `/etc/systemd/system/${unit}`
  return {
    manager: 'systemd-unit',
    reason: 'no network manager that can create macvlans owns the parent',
    files: [{path, content}],
    // What `systemctl enable` makes for WantedBy=multi-user.target: without it the unit never starts at boot.
    links: [{path: `/etc/systemd/system/multi-user.target.wants/${unit}`, target: path}],
    activate: ['systemctl daemon-reload', sh`systemctl enable ${unit}`],
  }
}

/** The three systemd-networkd files of a shim: what creates it, what addresses it, and what attaches it to its parent. */
export function networkdShimFiles(spec: ShimSpec, parentNetworkFile: string): Record<'netdev' | 'network' | 'dropIn', {path: string; content: string}> {
  return {
    netdev: {path: `/etc/systemd/network/50-${spec.name}.netdev`, content: ['[NetDev]', `Name=${spec.name}`, 'Kind=macvlan', '', '[MACVLAN]', `Mode=${spec.mode}`, ''].join('\n')},
    network: {
      path: `/etc/systemd/network/50-${spec.name}.network`,
      content: ['[Match]', `Name=${spec.name}`, '', '[Network]', ...spec.addresses.map((cidr) => `Address=${cidr}`), ...spec.routes.flatMap((route) => ['', '[Route]', `Destination=${route}`]), ''].join('\n'),
    },
    // In /etc whatever directory the parent's file is in: netplan's live in /run, which is gone after a reboot.
    dropIn: {path: `/etc/systemd/network/${basename(parentNetworkFile)}.d/50-${spec.name}.conf`, content: ['[Network]', `MACVLAN=${spec.name}`, ''].join('\n')},
  }
}

function networkd(spec: ShimSpec, parentNetworkFile: string): Persistence {
  const {netdev, network, dropIn} = networkdShimFiles(spec, parentNetworkFile)
  return {
    manager: 'systemd-networkd',
    reason: `systemd-networkd configures ${spec.parent} from ${parentNetworkFile}`,
    files: [netdev, network, dropIn],
    activate: ['networkctl reload', sh`networkctl reconfigure ${spec.parent}`],
  }
}

function networkManager(spec: ShimSpec): Persistence {
  const content = [
    '[connection]',
    `id=${spec.name}`,
    'type=macvlan',
    `interface-name=${spec.name}`,
    '',
    '[macvlan]',
    `mode=${NM_MODE[spec.mode] ?? 2}`,
    `parent=${spec.parent}`,
    '',
    '[ipv4]',
    'method=manual',
    ...spec.addresses.map((cidr, index) => `address${index + 1}=${cidr}`),
    ...spec.routes.map((route, index) => `route${index + 1}=${route}`),
    '',
    '[ipv6]',
    'method=disabled',
    '',
  ].join('\n')
  return {
    manager: 'NetworkManager',
    reason: `NetworkManager manages ${spec.parent}`,
    files: [{path: `/etc/NetworkManager/system-connections/${spec.name}.nmconnection`, content, mode: 0o600}],
    activate: ['nmcli connection reload', sh`nmcli connection up ${spec.name}`],
  }
}

function ifupdown(spec: ShimSpec): Persistence {
  // ifupdown hands each hook line to /bin/sh -c.
  const content = [
    `auto ${spec.name}`,
    `iface ${spec.name} inet static`,
    ...spec.addresses.slice(0, 1).map((cidr) => `    address ${cidr}`),
    `    pre-up ${shellLine(['ip', 'link', 'add', spec.name, 'link', spec.parent, 'type', 'macvlan', 'mode', spec.mode])}`,
    ...spec.routes.map((route) => `    up ${shellLine(['ip', 'route', 'add', route, 'dev', spec.name])}`),
    `    post-down ${shellLine(['ip', 'link', 'del', spec.name])}`,
    '',
  ].join('\n')
  return {manager: 'ifupdown', reason: `/etc/network/interfaces configures ${spec.parent}`, files: [{path: `/etc/network/interfaces.d/${spec.name}`, content}], activate: [sh`ifup ${spec.name}`]}
}

function managedBy(model: HostModel, spec: ShimSpec): Persistence {
  const config = model.data('netConfig')
  const networkFile = config.networkd[spec.parent]?.networkFile
  if (networkFile && config.networkd[spec.parent]?.adminState === 'configured') return networkd(spec, networkFile)
  if (config.networkManager.some((device) => device.device === spec.parent && device.state === 'connected')) return networkManager(spec)
  if ((config.mentions[spec.parent] ?? []).some((file) => file.startsWith('/etc/network/interfaces'))) return ifupdown(spec)
  const unit = systemdUnit(spec)
  return model.data('host').networkManagers.includes('netplan') ? {...unit, reason: 'netplan owns the parent, and netplan cannot create macvlans'} : unit
}

/**
 * Persistence in the language of whatever owns the parent: networkd, NetworkManager, ifupdown, or a systemd unit (also
 * for netplan, which cannot create macvlans, and when the network configuration could not be read). A shim whose
 * names cannot be written safely gets no files, and the reason.
 */
export function persistenceFor(model: HostModel, spec: ShimSpec): Persistence {
  let chosen: Persistence
  try {
    chosen = managedBy(model, spec)
  } catch (error) {
    if (!(error instanceof MissingSlice)) throw error
    chosen = systemdUnit(spec)
  }
  const refused = unwritableReason(spec)
  return refused ? {manager: chosen.manager, reason: chosen.reason, files: [], activate: [], refused} : chosen
}

/** The same persistence as shell lines a person can paste: write each file, then activate. */
export function persistenceCommands(persistence: Persistence): string[] {
  return [...writeCommands(persistence.files), ...persistence.activate]
}

/** Shell lines that write `files` as they are (their directories first). */
export function writeCommands(files: Persistence['files']): string[] {
  if (files.length === 0) return []
  const directories = [...new Set(files.map((file) => file.path.slice(0, file.path.lastIndexOf('/'))))]
  return [
    shellLine(['mkdir', '-p', ...directories]),
    ...files.flatMap((file) => [`printf '%s' ${shellWord(file.content)} > ${shellWord(file.path)}`, ...(file.mode === undefined ? [] : [shellLine(['chmod', file.mode.toString(8), file.path])])]),
  ]
}
