/** Pure parsers for iproute2's JSON (`ip -j`, `bridge -j`). Unknown fields are dropped so the snapshot stays small and stable. */

import type {Address, BridgePort, FdbEntry, Link, Neighbour, Route} from '../snapshot/types.js'
import {withoutUndefined} from './compact.js'

type Json = Record<string, unknown>

function records(raw: unknown, what: string): Json[] {
  if (raw === null) return []
  if (!Array.isArray(raw)) throw new TypeError(`${what}: expected a JSON array`)
  return raw.filter((item): item is Json => typeof item === 'object' && item !== null)
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)
const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined)
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [])


/** `ip -j -d link show` (also accepts `ip -j -d addr`, which embeds the same link fields). */
export function parseLinks(raw: unknown): Link[] {
  return records(raw, 'ip link').map((item) => {
    const linkinfo = (item.linkinfo ?? {}) as Json
    const infoData = (linkinfo.info_data ?? {}) as Json
    return withoutUndefined<Link>({
      ifindex: num(item.ifindex) ?? 0,
      name: str(item.ifname) ?? '',
      kind: str(linkinfo.info_kind),
      mode: str(infoData.mode),
      parent: str(item.link),
      parentIndex: num(item.link_index),
      linkNetnsId: num(item.link_netnsid),
      master: str(item.master),
      slaveKind: str(linkinfo.info_slave_kind),
      vlanId: num(infoData.id),
      mac: str(item.address),
      mtu: num(item.mtu) ?? 0,
      flags: strings(item.flags),
      operstate: str(item.operstate) ?? 'UNKNOWN',
      promiscuity: num(item.promiscuity) ?? 0,
      linkType: str(item.link_type) ?? 'unknown',
    })
  })
}

/** The address flags `ip -j addr` prints as `true` that say where an address came from and whether it is usable. */
const ADDRESS_FLAGS = ['dynamic', 'mngtmpaddr', 'nodad', 'tentative', 'dadfailed'] as const

/** `ip -j addr` */
export function parseAddresses(raw: unknown): Address[] {
  return records(raw, 'ip addr').flatMap((item) =>
    records(item.addr_info ?? [], 'addr_info').flatMap((info): Address[] => {
      const family = str(info.family)
      const local = str(info.local)
      if ((family !== 'inet' && family !== 'inet6') || local === undefined) return []
      const flags = ADDRESS_FLAGS.filter((flag) => info[flag] === true)
      return [{ifname: str(item.ifname) ?? '', family, local, prefixlen: num(info.prefixlen) ?? 0, scope: str(info.scope) ?? 'global', ...(flags.length > 0 ? {flags} : {})}]
    }),
  )
}

/** `ip -j route show table all`: IPv4 and IPv6. Routes without a `table` field are in `main`. */
export function parseRoutes(raw: unknown): Route[] {
  return records(raw, 'ip route').map((item) =>
    withoutUndefined<Route>({
      table: str(item.table) ?? (typeof item.table === 'number' ? String(item.table) : 'main'),
      type: str(item.type) ?? 'unicast',
      dst: str(item.dst) ?? 'default',
      gateway: str(item.gateway),
      dev: str(item.dev),
      protocol: str(item.protocol),
      scope: str(item.scope),
      prefsrc: str(item.prefsrc),
      metric: num(item.metric),
    }),
  )
}

/** `ip -j neigh` */
export function parseNeighbours(raw: unknown): Neighbour[] {
  return records(raw, 'ip neigh').map((item) =>
    withoutUndefined<Neighbour>({dst: str(item.dst) ?? '', dev: str(item.dev) ?? '', lladdr: str(item.lladdr), state: strings(item.state)}),
  )
}

/** `bridge -j fdb show`: on a macvlan parent the `self` entries are the unicast filter, one per child MAC. */
export function parseFdb(raw: unknown): FdbEntry[] {
  return records(raw, 'bridge fdb').map((item) =>
    withoutUndefined<FdbEntry>({
      mac: str(item.mac) ?? '',
      ifname: str(item.ifname) ?? '',
      flags: strings(item.flags),
      state: str(item.state),
      master: str(item.master),
    }),
  )
}

/** `bridge -j link` */
export function parseBridgePorts(raw: unknown): BridgePort[] {
  return records(raw, 'bridge link').map((item) =>
    withoutUndefined<BridgePort>({ifname: str(item.ifname) ?? '', master: str(item.master), state: str(item.state)}),
  )
}
