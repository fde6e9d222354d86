/** The "bad"/"good" examples in docs/rules/*.md: a small JSON description of a host, turned into a snapshot. */
import {readFileSync} from 'node:fs'

import type {RuleSettings} from '../../src/engine/types.js'
import type {ProbeRecord, ProbeResults, ProbeSkip} from '../../src/probe/types.js'
import type {ContainerView, DockerContainer, DockerEngine, FdbEntry, HostInfo, Ipv6Conf, Link, NetConfig, Route, Snapshot, SysfsLink} from '../../src/snapshot/types.js'
import {snapshot} from './builders.js'

export interface HostExample {
  /** What the operator declared (flags or config file). */
  settings?: Partial<RuleSettings>
  host?: Partial<HostInfo>
  docker?: Partial<DockerEngine>
  links?: Array<Partial<Link> & {name: string; address?: string}>
  addresses?: Record<string, string[]>
  sysfs?: Record<string, Partial<SysfsLink>>
  fdb?: FdbEntry[]
  netConfig?: Partial<NetConfig>
  views?: Record<string, Partial<ContainerView>>
  /** Probe records, as the probes would have reported them. */
  probes?: Array<Partial<ProbeRecord> & Pick<ProbeRecord, 'purpose' | 'target' | 'outcome'>>
  /** Probes the run meant to send but could not (missing tool, no root, a container that changed). */
  probeSkips?: ProbeSkip[]
  routes?: Array<Partial<Route> & {dst: string}>
  /** The host's IPv6 settings by interface (`all` for forwarding). */
  ipv6Conf?: Record<string, Partial<Ipv6Conf>>
  networks?: Array<Parameters<ReturnType<typeof snapshot>['withMacvlanNetwork']>[0]>
  containers?: Array<Partial<DockerContainer> & {name: string; network: string; ip?: string; ip6?: string; mac?: string}>
}

export interface DocExample<Host = HostExample> {
  /** `bad`: the rule finds its problem (its severity); `warn`: a lesser problem of a fail rule; `good`: it passes. */
  kind: 'bad' | 'warn' | 'good'
  host: Host
}

/** The examples of docs/rules/<id>.md (or of another docs directory: docs/fleet/ holds `{"hosts": {name: HostExample}}`). */
export function docExamples<Host = HostExample>(id: string, directory = 'rules'): Array<DocExample<Host>> {
  const text = readFileSync(new URL(`../../docs/${directory}/${id}.md`, import.meta.url), 'utf8')
  return [...text.matchAll(/```json (bad|warn|good)\n([\s\S]*?)```/g)].map((match) => ({kind: match[1] as DocExample['kind'], host: JSON.parse(match[2] ?? '{}') as Host}))
}

export function snapshotOf(host: HostExample): Snapshot {
  const builder = snapshot()
  if (host.host) builder.withHost(host.host)
  if (host.docker) builder.withDocker(host.docker)
  for (const {name, ...link} of host.links ?? []) builder.withParent(name, link)
  for (const [ifname, cidrs] of Object.entries(host.addresses ?? {})) for (const cidr of cidrs) builder.withAddress(ifname, cidr)
  for (const [name, sysfs] of Object.entries(host.sysfs ?? {})) builder.withSysfs(name, sysfs)
  if (host.fdb) builder.withFdb(host.fdb)
  if (host.netConfig) builder.withNetConfig(host.netConfig)
  for (const route of host.routes ?? []) builder.withRoute(route)
  for (const [ifname, conf] of Object.entries(host.ipv6Conf ?? {})) builder.withIpv6Conf(ifname, conf)
  for (const network of host.networks ?? []) builder.withMacvlanNetwork(network)
  for (const {name, network, ...container} of host.containers ?? []) builder.withContainer(name, network, container)
  for (const [name, view] of Object.entries(host.views ?? {})) builder.withView(name, view)
  return builder.build()
}

export function probesOf(host: HostExample): ProbeResults | undefined {
  if (!host.probes && !host.probeSkips) return undefined
  return {startedAt: 'example', durationMs: 0, timeoutMs: 1000, icmpEngine: 'ping', skipped: host.probeSkips ?? [], records: (host.probes ?? []).map((record) => ({kind: 'icmp', from: {namespace: 'host'}, command: 'example', ...record}))}
}

/** The network configuration of a host whose shim lan-shim on eth0 comes back at boot: its systemd-networkd files, attached by eth0's. */
export const PERSISTED_SHIM_CONFIG: Partial<NetConfig> = {
  mentions: {'lan-shim': ['/etc/systemd/network/lan-shim.netdev', '/etc/systemd/network/lan-shim.network']},
  boot: {
    'lan-shim': {
      units: [],
      ifupdown: [],
      networkManager: [],
      scripts: [],
      networkd: {netdevs: [{path: '/etc/systemd/network/lan-shim.netdev', kind: 'macvlan'}], attachedBy: [{path: '/etc/systemd/network/10-eth0.network', match: ['eth0']}], configuredBy: ['/etc/systemd/network/lan-shim.network']},
    },
  },
}
