/**
 * The Snapshot: everything `collect` learned about one host, as plain JSON.
 * Every slice is either `{data}` or `{error}`, so one failed command never hides the others
 * and a rule that needs a failed slice is skipped with that slice's reason.
 */

/**
 * 2: a file may be a bundle, the snapshot with the probe results saved by `doctor --save` (see bundle.ts).
 * 3: `netConfig.boot`, what brings each link back at boot. Files of versions 1 and 2 still load.
 */
export const SNAPSHOT_SCHEMA_VERSION = 3

export interface CollectError {
  /** Stable machine-readable code, e.g. `docker-unreachable`, `missing-tool`, `timeout`. */
  code: string
  message: string
  /** What the operator should do about it. */
  hint?: string
}

export type Slice<T> = {data: T} | {error: CollectError}

export interface Link {
  ifindex: number
  name: string
  /** `linkinfo.info_kind`: macvlan, ipvlan, vlan, bridge, bond, veth, … (absent for plain NICs). */
  kind?: string
  /** macvlan/ipvlan mode (bridge, private, vepa, passthru, source / l2, l3, l3s). */
  mode?: string
  /** Name of the lower device when it is in the same namespace (`ip link` shows `name@parent`). */
  parent?: string
  /** ifindex of the lower device, which may live in another namespace (`linkNetnsId`). */
  parentIndex?: number
  linkNetnsId?: number
  /** Bridge or bond this link is enslaved to. */
  master?: string
  /** `linkinfo.info_slave_kind`: bridge, bond, … when enslaved. */
  slaveKind?: string
  /** VLAN id for `kind: vlan`. */
  vlanId?: number
  mac?: string
  mtu: number
  flags: string[]
  operstate: string
  promiscuity: number
  linkType: string
}

export interface Address {
  ifname: string
  family: 'inet' | 'inet6'
  local: string
  prefixlen: number
  scope: string
  /**
   * The kernel's flags that say where an IPv6 address came from and whether it is usable: `dynamic` (learned from a
   * router advertisement: SLAAC), `mngtmpaddr`, `nodad` (set without duplicate address detection, as Docker does),
   * `tentative`, `dadfailed`. Absent when none is set, and in snapshots from before they were kept.
   */
  flags?: string[]
}

export interface Route {
  table: string
  type: string
  dst: string
  gateway?: string
  dev?: string
  protocol?: string
  scope?: string
  prefsrc?: string
  metric?: number
}

export interface Neighbour {
  dst: string
  dev: string
  lladdr?: string
  state: string[]
}

/** Keys of an IPv6 settings record that are not interfaces: `all` (forwarding is read there) and `default`. */
export const IPV6_CONF_SCOPES: ReadonlySet<string> = new Set(['all', 'default'])

/** One interface's IPv6 settings (`net.ipv6.conf.<if>.*`); `all` and `default` are keys too. */
export interface Ipv6Conf {
  disableIpv6: boolean
  /** 0: ignore router advertisements; 1: accept them unless forwarding is on; 2: accept them even with forwarding on. */
  acceptRa: number
  forwarding: boolean
}

export interface FdbEntry {
  mac: string
  ifname: string
  flags: string[]
  state?: string
  master?: string
}

export interface BridgePort {
  ifname: string
  master?: string
  state?: string
}

export interface SysfsLink {
  wireless: boolean
  driver?: string
  /** 1 carrier, 0 no carrier, null when the kernel refuses to say (link down). */
  carrier: number | null
  speedMbps: number | null
  bondSlave: boolean
  bridgePort: boolean
}

export type NetworkManagerName = 'systemd-networkd' | 'NetworkManager' | 'netplan' | 'ifupdown'

export interface HostInfo {
  hostname: string
  kernel: string
  os?: string
  virtualization: {type: string; source: string}
  /** Network managers whose configuration or runtime state is present on the host. */
  networkManagers: NetworkManagerName[]
  privileges: {uid: number; capNetAdmin: boolean; capNetRaw: boolean}
  /** Which helper binaries were found on PATH. */
  tools: Record<string, boolean>
}

export interface DockerEngine {
  serverVersion: string
  apiVersion: string
  clientVersion?: string
  os: string
  operatingSystem: string
  kernelVersion?: string
  rootless: boolean
  /** Docker Desktop (macOS/Windows/Linux VM): macvlan attaches to the VM, not to the LAN. */
  desktop: boolean
  swarm: string
}

export interface IpamConfig {
  subnet: string
  ipRange?: string
  gateway?: string
  auxAddresses: Record<string, string>
}

export interface NetworkEndpoint {
  containerId: string
  name: string
  mac?: string
  ipv4?: string
  ipv6?: string
}

export interface DockerNetwork {
  id: string
  name: string
  driver: string
  scope: string
  internal: boolean
  enableIPv6: boolean
  configOnly: boolean
  configFrom?: string
  options: Record<string, string>
  ipam: {driver: string; config: IpamConfig[]}
  /** Label keys only: values may hold secrets. */
  labelKeys: string[]
  endpoints: NetworkEndpoint[]
}

export interface ContainerNetwork {
  name: string
  networkId: string
  ipv4?: string
  prefixlen?: number
  ipv6?: string
  mac?: string
  gateway?: string
  /** `IPv6Gateway`: the container's IPv6 default route goes there (absent in snapshots from before it was kept). */
  gatewayIpv6?: string
  /** Addresses the user pinned with `--ip` / `--ip6`. */
  requestedIpv4?: string
  requestedIpv6?: string
}

export interface PublishedPort {
  containerPort: string
  hostIp?: string
  hostPort?: string
}

export interface DockerContainer {
  id: string
  name: string
  status: string
  running: boolean
  pid: number
  /** `State.StartedAt` of its current (or last) run; absent when it never started, and in snapshots from before it was kept. */
  startedAt?: string
  /** `RestartCount`: how often its restart policy restarted it since it was last started by hand. */
  restartCount?: number
  /** `State.Health.Status` (starting, healthy, unhealthy) when it has a health check. */
  health?: string
  sandboxKey?: string
  networks: ContainerNetwork[]
  publishedPorts: PublishedPort[]
  /** MAC the user asked for with `--mac-address`. */
  requestedMac?: string
}

/** A running container's network namespace, seen from inside. */
export interface ContainerView {
  links: Link[]
  addresses: Address[]
  routes: Route[]
  neighbours: Neighbour[]
  /** IPv6 settings inside the namespace, by interface; absent when the kernel has no IPv6, and in older snapshots. */
  ipv6Conf?: Record<string, Ipv6Conf>
}

/** How the host's own configuration treats its links: who manages them and where they would come back from after a reboot. */
export interface NetConfig {
  /** systemd-networkd's state per interface (from /run/systemd/netif/links), when networkd runs. */
  networkd: Record<string, {adminState?: string; networkFile?: string}>
  /** NetworkManager's devices (`nmcli device status`), when it runs. */
  networkManager: Array<{device: string; type: string; state: string; connection?: string}>
  /** For each interface name, the configuration files that mention it (ifupdown, netplan, networkd, NetworkManager keyfiles, systemd units). */
  mentions: Record<string, string[]>
  /** `After=` of docker.service, when systemd is there. */
  dockerUnitAfter?: string[]
  /** `iptables -S DOCKER-USER`, when iptables and the chain exist. */
  dockerUserRules?: string[]
  /**
   * For each interface some configuration names, what of it would bring the interface back at boot. Absent in
   * snapshots of schema 2 and before.
   */
  boot?: Record<string, BootPath>
}

/** What the files naming one interface do at boot: each way it can come back, with the step that activates it. */
export interface BootPath {
  /** systemd units (in /etc/systemd/system or the vendor unit directories) that name it. */
  units: BootUnit[]
  /** systemd-networkd's files for it, when any names it. */
  networkd?: {
    /** `.netdev` files whose `[NetDev] Name=` is this interface: what creates it. */
    netdevs: Array<{path: string; kind?: string}>
    /**
     * `.network` files whose `[Network]` lists `MACVLAN=` this interface (`dropIn`: in that drop-in), with the
     * `[Match] Name=` patterns that pick the parent they attach it to.
     */
    attachedBy: Array<{path: string; dropIn?: string; match: string[]}>
    /** `.network` files whose `[Match] Name=` matches this interface: what gives it addresses. */
    configuredBy: string[]
  }
  /** ifupdown stanzas naming it (as their interface or in a hook line). */
  ifupdown: Array<{path: string; iface: string; /** An `auto`, `allow-auto` or `allow-hotplug` line names `iface`. */ auto: boolean}>
  /** NetworkManager keyfiles naming it. */
  networkManager: Array<{path: string; id?: string; /** `[connection] autoconnect` is not false. */ autoconnect: boolean}>
  /** Hook scripts naming it (ifupdown's if-*.d, networkd-dispatcher, NetworkManager's dispatcher.d, rc.local). */
  scripts: Array<{path: string; executable: boolean}>
}

export interface BootUnit {
  path: string
  unit: string
  /** The targets its `[Install]` section names: `WantedBy=` as `T.wants`, `RequiredBy=` as `T.requires`. */
  install: string[]
  /** The enable links that exist for it: `…/T.wants/UNIT` or `…/T.requires/UNIT` in /etc/systemd/system or a vendor directory. */
  enabledBy: string[]
  /** /etc/systemd/system/UNIT is a link to /dev/null. */
  masked: boolean
}

export interface SnapshotSlices {
  host: Slice<HostInfo>
  links: Slice<Link[]>
  addresses: Slice<Address[]>
  routes: Slice<Route[]>
  neighbours: Slice<Neighbour[]>
  fdb: Slice<FdbEntry[]>
  bridgePorts: Slice<BridgePort[]>
  sysfs: Slice<Record<string, SysfsLink>>
  netConfig: Slice<NetConfig>
  docker: Slice<DockerEngine>
  networks: Slice<DockerNetwork[]>
  containers: Slice<DockerContainer[]>
  /** Keyed by container id; each container's view may fail on its own (it exited mid-run). */
  containerViews: Slice<Record<string, Slice<ContainerView>>>
  /**
   * The host's IPv6 settings by interface (`all` holds `net.ipv6.conf.all.forwarding`): an empty record when the kernel
   * has no IPv6. Absent in snapshots taken before it was collected: the rules that need it then say so.
   */
  ipv6Conf?: Slice<Record<string, Ipv6Conf>>
}

export type SliceName = keyof SnapshotSlices

export const SLICE_NAMES: readonly SliceName[] = [
  'host',
  'links',
  'addresses',
  'routes',
  'neighbours',
  'fdb',
  'bridgePorts',
  'sysfs',
  'netConfig',
  'docker',
  'networks',
  'containers',
  'containerViews',
  'ipv6Conf',
]

export type SliceData<K extends SliceName> = NonNullable<SnapshotSlices[K]> extends Slice<infer T> ? T : never

export interface Snapshot extends SnapshotSlices {
  schemaVersion: number
  tool: {name: string; version: string}
  collectedAt: string
  /** The command line that produced it, e.g. ["macvlan", "collect", "-o", "host.json"]. */
  command: string[]
  /** Set when `--redact` replaced addresses and names with tokens. */
  redacted: boolean
  /** Free text saying how a fixture was made; never set by a live collection. */
  origin?: string
}

export function sliceData<T>(slice: Slice<T>): T | undefined {
  return 'data' in slice ? slice.data : undefined
}
