/**
 * What would bring each interface back at boot: for the files that name it, whether the step that activates them is
 * there (a unit's enable link, the parent's networkd file listing it, an `auto` line, autoconnect, an executable bit).
 * Read-only, from the host root like the rest of the network configuration.
 */
import {lstat, readdir, readFile, readlink, realpath, stat} from 'node:fs/promises'
import {basename, join} from 'node:path'

import {iniEntries, iniWords, networkdNameMatches, type IniEntry} from '../model/unit-file.js'
import type {BootPath, BootUnit} from '../snapshot/types.js'
import {onHost} from './host-root.js'

export interface ConfigFile {
  path: string
  text: string
  executable: boolean
}

/** Unit directories in systemd's order of precedence: a unit's first file wins. */
const UNIT_DIRS = ['/etc/systemd/system', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system']
/** networkd's directories in its order of precedence; /run holds what netplan generates again at every boot. */
const NETWORKD_DIRS = ['/etc/systemd/network', '/run/systemd/network', '/usr/local/lib/systemd/network', '/usr/lib/systemd/network', '/lib/systemd/network']
const MAX_BYTES = 256 * 1024

/** Hook directories and files whose scripts run when they are executable. */
export const SCRIPT_PLACES = ['/etc/network/if-pre-up.d', '/etc/network/if-up.d', '/etc/networkd-dispatcher/routable.d', '/etc/NetworkManager/dispatcher.d', '/etc/rc.local']

export async function readConfigFile(path: string): Promise<ConfigFile | undefined> {
  const info = await stat(onHost(path)).catch(() => undefined)
  if (!info?.isFile() || info.size > MAX_BYTES) return undefined
  const text = await readFile(onHost(path), 'utf8').catch(() => undefined)
  return text === undefined ? undefined : {path, text, executable: (info.mode & 0o111) !== 0}
}

/** The regular files of each directory (each directory once, though /lib may be /usr/lib), the first of each name kept. */
async function filesIn(dirs: string[], keep: (name: string) => boolean): Promise<ConfigFile[]> {
  const seenDirs = new Set<string>()
  const seenNames = new Set<string>()
  const files: ConfigFile[] = []
  for (const dir of dirs) {
    const real = await realpath(onHost(dir)).catch(() => undefined)
    if (real === undefined || seenDirs.has(real)) continue
    seenDirs.add(real)
    for (const name of (await readdir(onHost(dir)).catch(() => [] as string[])).sort()) {
      if (!keep(name) || seenNames.has(name)) continue
      // A mask (a link to /dev/null) is no file: the unit it masks is read from the next directory.
      const file = await readConfigFile(join(dir, name))
      if (!file) continue
      seenNames.add(name)
      files.push(file)
    }
  }
  return files
}

/** Every enable link in the unit directories, by the unit it enables: `…/T.wants/UNIT` and `…/T.requires/UNIT`. */
async function enableLinks(): Promise<Map<string, string[]>> {
  const links = new Map<string, string[]>()
  for (const dir of UNIT_DIRS) {
    for (const entry of await readdir(onHost(dir)).catch(() => [] as string[])) {
      if (!/\.(wants|requires)$/.test(entry)) continue
      for (const unit of await readdir(onHost(join(dir, entry))).catch(() => [] as string[])) links.set(unit, [...(links.get(unit) ?? []), join(dir, entry, unit)])
    }
  }
  return links
}

async function isMasked(unit: string): Promise<boolean> {
  const path = onHost(join('/etc/systemd/system', unit))
  if (!(await lstat(path).catch(() => undefined))?.isSymbolicLink()) return false
  return (await readlink(path).catch(() => '')) === '/dev/null'
}

async function units(named: (file: ConfigFile) => string[]): Promise<Map<string, BootUnit[]>> {
  const byName = new Map<string, BootUnit[]>()
  const files = (await filesIn(UNIT_DIRS, (name) => name.endsWith('.service'))).filter((file) => named(file).length > 0)
  const links = files.length > 0 ? await enableLinks() : new Map<string, string[]>()
  for (const file of files) {
    const unit = basename(file.path)
    const entries = iniEntries(file.text)
    const install = [...iniWords(entries, 'Install', 'WantedBy').map((target) => `${target}.wants`), ...iniWords(entries, 'Install', 'RequiredBy').map((target) => `${target}.requires`)]
    const found: BootUnit = {path: file.path, unit, install, enabledBy: links.get(unit) ?? [], masked: await isMasked(unit)}
    for (const name of named(file)) byName.set(name, [...(byName.get(name) ?? []), found])
  }
  return byName
}

interface NetworkFile {
  path: string
  /** The file and its drop-ins, in order. */
  entries: IniEntry[]
  /** For each name `MACVLAN=` lists, the file (this one or a drop-in) that lists it. */
  macvlanIn: Map<string, string>
}

async function networkdFiles(): Promise<{netdevs: Array<{path: string; entries: IniEntry[]}>; networks: NetworkFile[]}> {
  const files = await filesIn(NETWORKD_DIRS, (name) => name.endsWith('.netdev') || name.endsWith('.network'))
  const networks: NetworkFile[] = []
  for (const file of files.filter((candidate) => candidate.path.endsWith('.network'))) {
    const dropIns = await filesIn(
      NETWORKD_DIRS.map((dir) => join(dir, `${basename(file.path)}.d`)),
      (name) => name.endsWith('.conf'),
    )
    const macvlanIn = new Map<string, string>()
    const entries: IniEntry[] = []
    for (const part of [file, ...dropIns]) {
      const own = iniEntries(part.text)
      entries.push(...own)
      for (const name of iniWords(own, 'Network', 'MACVLAN')) macvlanIn.set(name, part.path)
    }
    networks.push({path: file.path, entries, macvlanIn})
  }
  return {netdevs: files.filter((file) => file.path.endsWith('.netdev')).map((file) => ({path: file.path, entries: iniEntries(file.text)})), networks}
}

function networkdFor(name: string, netdevs: Array<{path: string; entries: IniEntry[]}>, networks: NetworkFile[]): BootPath['networkd'] {
  const creating = netdevs.filter((netdev) => iniWords(netdev.entries, 'NetDev', 'Name').at(-1) === name)
  const attachedBy = networks.filter((network) => iniWords(network.entries, 'Network', 'MACVLAN').includes(name))
  const configuredBy = networks.filter((network) => networkdNameMatches(iniWords(network.entries, 'Match', 'Name'), name))
  if (creating.length + attachedBy.length + configuredBy.length === 0) return undefined
  return {
    netdevs: creating.map((netdev) => {
      const kind = iniWords(netdev.entries, 'NetDev', 'Kind').at(-1)
      return kind === undefined ? {path: netdev.path} : {path: netdev.path, kind}
    }),
    attachedBy: attachedBy.map((network) => {
      const match = iniWords(network.entries, 'Match', 'Name')
      const dropIn = network.macvlanIn.get(name)
      return dropIn === network.path || dropIn === undefined ? {path: network.path, match} : {path: network.path, dropIn, match}
    }),
    configuredBy: configuredBy.map((network) => network.path),
  }
}

const IFUPDOWN_AUTO = /^(auto|allow-auto|allow-hotplug)$/

/** ifupdown stanzas (`iface NAME …` and the lines under it) of each file, and the interfaces brought up at boot. */
function ifupdown(files: ConfigFile[]): {stanzas: Array<{path: string; iface: string; lines: string[]}>; auto: Set<string>} {
  const stanzas: Array<{path: string; iface: string; lines: string[]}> = []
  const auto = new Set<string>()
  for (const file of files) {
    let current: {path: string; iface: string; lines: string[]} | undefined
    for (const raw of file.text.split('\n')) {
      const line = raw.replace(/#.*$/, '').trim()
      const [keyword = '', ...words] = line.split(/\s+/)
      if (IFUPDOWN_AUTO.test(keyword)) {
        for (const word of words) auto.add(word)
        current = undefined
      } else if (keyword === 'iface') {
        current = {path: file.path, iface: words[0] ?? '', lines: [line]}
        stanzas.push(current)
      } else if (/^(mapping|source|source-directory)$/.test(keyword)) current = undefined
      else if (line !== '') current?.lines.push(line)
    }
  }
  return {stanzas, auto}
}

function keyfile(file: ConfigFile): BootPath['networkManager'][number] {
  const entries = iniEntries(file.text)
  const id = iniWords(entries, 'connection', 'id').join(' ')
  const autoconnect = !/^(false|no|0)$/i.test(iniWords(entries, 'connection', 'autoconnect').at(-1) ?? 'true')
  return id ? {path: file.path, id, autoconnect} : {path: file.path, autoconnect}
}

/**
 * The boot path of each of `names` that anything names. `files` are the network configuration files already read
 * (ifupdown, NetworkManager, hook scripts); `mentions(text)` says which of `names` a text names.
 */
export async function collectBootPaths(names: string[], files: ConfigFile[], mentions: (text: string) => string[]): Promise<Record<string, BootPath>> {
  const [unitsByName, networkd] = await Promise.all([units((file) => mentions(file.text)), networkdFiles()])
  const interfaces = ifupdown(files.filter((file) => file.path.startsWith('/etc/network/interfaces')))
  const under = (places: string[]) => files.filter((file) => places.some((place) => file.path === place || file.path.startsWith(`${place}/`)))
  const keyfiles = under(['/etc/NetworkManager/system-connections'])
  const scripts = under(SCRIPT_PLACES)
  const paths: Record<string, BootPath> = {}
  for (const name of names) {
    const path: BootPath = {
      units: unitsByName.get(name) ?? [],
      ifupdown: interfaces.stanzas.filter((stanza) => stanza.iface === name || mentions(stanza.lines.join('\n')).includes(name)).map((stanza) => ({path: stanza.path, iface: stanza.iface, auto: interfaces.auto.has(stanza.iface)})),
      networkManager: keyfiles.filter((file) => mentions(file.text).includes(name)).map(keyfile),
      scripts: scripts.filter((file) => mentions(file.text).includes(name)).map((file) => ({path: file.path, executable: file.executable})),
    }
    const forNetworkd = networkdFor(name, networkd.netdevs, networkd.networks)
    if (forNetworkd) path.networkd = forNetworkd
    if (path.units.length + path.ifupdown.length + path.networkManager.length + path.scripts.length > 0 || forNetworkd) paths[name] = path
  }
  return paths
}
