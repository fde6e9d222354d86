import {readdir, readFile, readlink, stat} from 'node:fs/promises'
import {join} from 'node:path'

import type {NetConfig} from '../snapshot/types.js'
import {collectBootPaths, readConfigFile, SCRIPT_PLACES, type ConfigFile} from './boot-path.js'
import {run, type RunOptions} from './command-output.js'
import {onHost} from './host-root.js'

/** Where links are configured to come back at boot. Single files and directories whose files are read (each up to 256 KiB). */
const CONFIG_PLACES = [
  '/etc/network/interfaces',
  '/etc/network/interfaces.d',
  '/etc/netplan',
  '/etc/systemd/network',
  '/etc/NetworkManager/system-connections',
  '/etc/systemd/system',
  ...SCRIPT_PLACES,
]

export async function configFiles(): Promise<ConfigFile[]> {
  const files: ConfigFile[] = []
  for (const place of CONFIG_PLACES) {
    const entries = await readdir(onHost(place)).catch(() => undefined)
    const paths = entries === undefined ? [place] : entries.sort().map((entry) => join(place, entry))
    for (const path of paths) {
      const file = await readConfigFile(path)
      if (file) files.push(file)
    }
  }
  return files
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Which of `names` a text names as a whole word (not `eth0` inside `eth0.10` or `veth0`). */
export function namedIn(names: string[]): (text: string) => string[] {
  const words = names.map((name) => ({name, word: new RegExp(`(?<![\\w.-])${escapeRegExp(name)}(?![\\w-]|\\.\\w)`)}))
  return (text) => words.filter(({word}) => word.test(text)).map(({name}) => name)
}

async function networkdState(names: string[]): Promise<NetConfig['networkd']> {
  const state: NetConfig['networkd'] = {}
  if ((await readdir(onHost('/run/systemd/netif/links')).catch(() => undefined)) === undefined) return state
  for (const name of names) {
    const ifindex = (await readFile(`/sys/class/net/${name}/ifindex`, 'utf8').catch(() => '')).trim()
    const text = ifindex ? await readFile(onHost(`/run/systemd/netif/links/${ifindex}`), 'utf8').catch(() => undefined) : undefined
    if (!text) continue
    const field = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(text)?.[1]
    state[name] = {adminState: field('ADMIN_STATE'), networkFile: field('NETWORK_FILE')}
  }
  return state
}

/** `nmcli -t` escapes ':' inside fields as '\:'. */
function splitTerse(line: string): string[] {
  return line.split(/(?<!\\):/).map((field) => field.replaceAll('\\:', ':'))
}

async function networkManagerDevices(options: RunOptions): Promise<NetConfig['networkManager']> {
  if ((await stat(onHost('/run/NetworkManager')).catch(() => undefined)) === undefined) return []
  const out = await run('nmcli', ['-t', '-f', 'DEVICE,TYPE,STATE,CONNECTION', 'device', 'status'], options).catch(() => '')
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [device = '', type = '', state = '', connection = ''] = splitTerse(line)
      return connection ? {device, type, state, connection} : {device, type, state}
    })
}

async function dockerUnitAfter(options: RunOptions): Promise<string[] | undefined> {
  const out = await run('systemctl', ['show', 'docker.service', '--property=After', '--value'], options).catch(() => undefined)
  return out === undefined || out.trim() === '' ? undefined : out.trim().split(/\s+/)
}

async function dockerUserRules(options: RunOptions): Promise<string[] | undefined> {
  const out = await run('iptables', ['-S', 'DOCKER-USER'], options).catch(() => undefined)
  return out?.split('\n').filter(Boolean)
}

/** networkd and NetworkManager manage the init network namespace only: their state says nothing about another one's links. */
async function inInitNetns(): Promise<boolean> {
  const [own, init] = await Promise.all([readlink('/proc/self/ns/net').catch(() => 'self'), readlink('/proc/1/ns/net').catch(() => 'init')])
  return own === init
}

export async function collectNetConfig(options: RunOptions): Promise<NetConfig> {
  const names = (await readdir('/sys/class/net').catch(() => [] as string[])).filter((name) => name !== 'lo').sort()
  const managed = await inInitNetns()
  const [files, networkd, networkManager, after, userRules] = await Promise.all([
    configFiles(),
    managed ? networkdState(names) : {},
    managed ? networkManagerDevices(options) : [],
    dockerUnitAfter(options),
    dockerUserRules(options),
  ])
  const named = namedIn(names)
  const mentions: Record<string, string[]> = {}
  for (const name of names) {
    const found = files.filter((file) => named(file.text).includes(name)).map((file) => file.path)
    if (found.length > 0) mentions[name] = found
  }
  const config: NetConfig = {networkd, networkManager, mentions, boot: await collectBootPaths(names, files, named)}
  if (after) config.dockerUnitAfter = after
  if (userRules) config.dockerUserRules = userRules
  return config
}
