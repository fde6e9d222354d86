import {access, readdir, readFile, readlink} from 'node:fs/promises'
import {hostname, release} from 'node:os'
import {basename, delimiter, join} from 'node:path'

import type {HostInfo, Link, NetworkManagerName, Slice, SysfsLink} from '../snapshot/types.js'
import {onHost} from './host-root.js'
import {CollectFailure, parseBatchOutput, run, runJson, type RunOptions} from './command-output.js'
import {IPV6_CONF_SCRIPT, parseIpv6Conf} from './parse-sysctl.js'
import {parseAddresses, parseBridgePorts, parseFdb, parseLinks, parseNeighbours, parseRoutes} from './parse-iproute.js'

/** Helper binaries whose presence decides which probes and collectors can run. */
const TOOLS = ['ip', 'bridge', 'nsenter', 'docker', 'ping', 'arping', 'systemd-detect-virt'] as const

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  )

async function readText(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim()
  } catch {
    return undefined
  }
}

/** What the host's `ip` shows, from one `ip -batch` (one process instead of four, one JSON document a line). */
const HOST_BATCH = ['link show', 'addr show', 'route show table all', 'neigh show'] as const

export type HostIp = Promise<Record<(typeof HOST_BATCH)[number], unknown>>

export async function hostIp(options: RunOptions): HostIp {
  const args = ['-j', '-d', '-batch', '-']
  const [link, addr, route, neigh] = parseBatchOutput('ip', args, HOST_BATCH, await run('ip', args, {...options, input: `${HOST_BATCH.join('\n')}\n`}))
  return {'link show': link, 'addr show': addr, 'route show table all': route, 'neigh show': neigh}
}

export async function collectLinks(ip: HostIp) {
  return parseLinks((await ip)['link show'])
}

export async function collectAddresses(ip: HostIp) {
  return parseAddresses((await ip)['addr show'])
}

/** Both families: `route show table all` names no table, so `ip` dumps IPv4 and IPv6 routes alike. */
export async function collectRoutes(ip: HostIp) {
  return parseRoutes((await ip)['route show table all'])
}

export async function collectNeighbours(ip: HostIp) {
  return parseNeighbours((await ip)['neigh show'])
}

/** The host's IPv6 settings by interface, from one `sh`: an empty record when the kernel has no IPv6. */
export async function collectIpv6Conf(options: RunOptions) {
  return parseIpv6Conf(await run('sh', ['-c', `${IPV6_CONF_SCRIPT}; exit 0`], options))
}

export async function collectFdb(options: RunOptions) {
  return parseFdb(await runJson('bridge', ['-j', 'fdb', 'show'], options))
}

export async function collectBridgePorts(options: RunOptions) {
  return parseBridgePorts(await runJson('bridge', ['-j', 'link', 'show'], options))
}

/** Links whose sysfs facts (Wi-Fi, bond or bridge port, driver) no rule reads: hundreds of them on a crowded parent. */
const NO_SYSFS_KINDS = new Set(['macvlan', 'macvtap', 'ipvlan'])

/** Names of the links sysfs is not read for: macvlan children and the like (seven file operations each). */
export function linksWithoutSysfs(links: Slice<Link[]>): Set<string> {
  return new Set(('data' in links ? links.data : []).filter((link) => link.kind && NO_SYSFS_KINDS.has(link.kind)).map((link) => link.name))
}

/** Reads /sys/class/net of the namespace whose /sys is mounted here (`ip netns exec` remounts it; `nsenter --net` does not). */
export async function collectSysfs(sysRoot = '/sys', skip: Set<string> = new Set()): Promise<Record<string, SysfsLink>> {
  const classNet = join(sysRoot, 'class/net')
  let names: string[]
  try {
    names = await readdir(classNet)
  } catch (error) {
    throw new CollectFailure('sysfs-unreadable', `cannot read ${classNet}: ${(error as Error).message}`, 'Mount sysfs, or run on the host rather than in a container.')
  }
  const entries = await Promise.all(names.filter((name) => !skip.has(name)).sort().map(async (name) => [name, await readSysfsLink(join(classNet, name))] as const))
  return Object.fromEntries(entries)
}

async function readSysfsLink(dir: string): Promise<SysfsLink> {
  const [wirelessDir, phy, driverLink, carrier, speed, bondSlave, bridgePort] = await Promise.all([
    exists(join(dir, 'wireless')),
    exists(join(dir, 'phy80211')),
    readlink(join(dir, 'device/driver')).catch(() => undefined),
    readText(join(dir, 'carrier')),
    readText(join(dir, 'speed')),
    exists(join(dir, 'bonding_slave')),
    exists(join(dir, 'brport')),
  ])
  const speedMbps = speed === undefined ? null : Number.parseInt(speed, 10)
  const link: SysfsLink = {
    wireless: wirelessDir || phy,
    carrier: carrier === undefined ? null : Number.parseInt(carrier, 10),
    speedMbps: speedMbps !== null && Number.isFinite(speedMbps) && speedMbps > 0 ? speedMbps : null,
    bondSlave,
    bridgePort,
  }
  if (driverLink) link.driver = basename(driverLink)
  return link
}

async function onPath(tool: string): Promise<boolean> {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean)
  for (const dir of dirs) if (await exists(join(dir, tool))) return true
  return false
}

/** Capability bits from /proc/self/status (CapEff), so a non-root user with setcap is judged correctly. */
export function capabilitiesOf(status: string): {capNetAdmin: boolean; capNetRaw: boolean} {
  const hex = /^CapEff:\s*([0-9a-f]+)/m.exec(status)?.[1] ?? '0'
  const effective = BigInt(`0x${hex}`)
  return {capNetAdmin: (effective & (1n << 12n)) !== 0n, capNetRaw: (effective & (1n << 13n)) !== 0n}
}

const DMI_PLATFORMS: Array<[RegExp, string]> = [
  [/virtualbox|innotek/i, 'oracle'],
  [/vmware/i, 'vmware'],
  [/microsoft corporation/i, 'microsoft'],
  [/amazon ec2/i, 'amazon'],
  [/google/i, 'google'],
  [/qemu|kvm/i, 'kvm'],
  [/proxmox/i, 'kvm'],
  [/xen/i, 'xen'],
]

async function detectVirtualization(tools: Record<string, boolean>, options: RunOptions): Promise<HostInfo['virtualization']> {
  const osrelease = (await readText('/proc/sys/kernel/osrelease')) ?? ''
  if (/microsoft/i.test(osrelease)) return {type: 'wsl', source: '/proc/sys/kernel/osrelease'}
  if (tools['systemd-detect-virt']) {
    const type = await run('systemd-detect-virt', [], {...options, acceptExitCodes: [1]}).catch(() => undefined)
    if (type) return {type, source: 'systemd-detect-virt'}
  }
  const dmi = [await readText('/sys/class/dmi/id/sys_vendor'), await readText('/sys/class/dmi/id/product_name')].filter(Boolean).join(' ')
  const platform = DMI_PLATFORMS.find(([pattern]) => pattern.test(dmi))
  if (platform) return {type: platform[1], source: `DMI: ${dmi}`}
  const cpuinfo = (await readText('/proc/cpuinfo')) ?? ''
  if (/^flags\s*:.*\bhypervisor\b/m.test(cpuinfo)) return {type: 'unknown-hypervisor', source: '/proc/cpuinfo hypervisor flag'}
  return {type: 'none', source: dmi ? `DMI: ${dmi}` : 'no hypervisor signature'}
}

async function detectNetworkManagers(): Promise<NetworkManagerName[]> {
  const found: NetworkManagerName[] = []
  if (await exists(onHost('/run/systemd/netif/links'))) found.push('systemd-networkd')
  if (await exists(onHost('/run/NetworkManager'))) found.push('NetworkManager')
  const netplan = await readdir(onHost('/etc/netplan')).catch(() => [] as string[])
  if (netplan.some((file) => file.endsWith('.yaml'))) found.push('netplan')
  const interfaces = (await readText(onHost('/etc/network/interfaces'))) ?? ''
  if (/^\s*iface\s+(?!lo\s)/m.test(interfaces) || (await exists(onHost('/run/network/ifstate')))) found.push('ifupdown')
  return found
}

export async function collectHost(options: RunOptions): Promise<HostInfo> {
  const toolEntries = await Promise.all(TOOLS.map(async (tool) => [tool, await onPath(tool)] as const))
  const tools = Object.fromEntries(toolEntries)
  const [virtualization, networkManagers, osRelease, status] = await Promise.all([
    detectVirtualization(tools, options),
    detectNetworkManagers(),
    readText(onHost('/etc/os-release')),
    readText('/proc/self/status'),
  ])
  const host: HostInfo = {
    hostname: hostname(),
    kernel: release(),
    virtualization,
    networkManagers,
    privileges: {uid: process.getuid?.() ?? -1, ...capabilitiesOf(status ?? '')},
    tools,
  }
  const prettyName = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(osRelease ?? '')?.[1]
  if (prettyName) host.os = prettyName
  return host
}
