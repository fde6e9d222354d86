/**
 * `--redact`: copies of a snapshot, its probe results and the operator's settings in which every value that names or
 * locates the host is replaced field by field, never by searching the serialized text, so that the rules reach the
 * same verdicts on the copy as on the original:
 *
 * - Addresses become addresses by prefix-preserving pseudonymization (the Crypto-PAn construction): bit i of the output
 *   is bit i of the input, flipped or not by a keyed function of the bits before it, so two addresses share exactly as
 *   many leading bits after as before, and every subnet maps onto a subnet of the same length. Bits are kept where the
 *   rules read them: the fixed part of special ranges (unspecified, loopback, link-local, multicast, broadcast) and the
 *   all-zero and all-one host parts of every subnet the host knows (its network and broadcast addresses).
 * - MACs become MACs with the same multicast and locally administered bits; Docker's own MACs (02:42 and the
 *   container's IPv4 address) stay 02:42 and the pseudonym of that address.
 * - Names become tokens of their kind (`net-1`, `container-2`, `host-1`); an interface named after a network
 *   (`lan-shim`) keeps its shape with the network's token (`net-1-shim`). IDs become hex strings of the same length.
 * - Free text (error messages, firewall rules, probe commands) gets the same mappings for every value it holds.
 *
 * The key is random for each run: the same value maps to the same pseudonym within one run, never across runs.
 */
import {createHmac, randomBytes} from 'node:crypto'
import {posix} from 'node:path'

import type {RuleSettings, Subject} from '../engine/types.js'
import type {AddressProof} from '../fix/plan.js'
import {namedLikeShim} from '../model/host-model.js'
import {intervalOf, ipv4Text, ipv4Value, ipv6Text, ipv6Value} from '../model/ip.js'
import {shimNameFor} from '../remedy/persistence.js'
import type {ProbeRecord, ProbeResults} from '../probe/types.js'
import {IPV6_CONF_SCOPES, type Address, type BootPath, type CollectError, type ContainerView, type DockerContainer, type DockerNetwork, type Ipv6Conf, type Link, type NetConfig, type Neighbour, type Route, type Slice, type Snapshot} from './types.js'

interface Family {
  bits: number
  value: (address: string) => bigint | undefined
  text: (value: bigint) => string
  /** Prefixes whose bits the rules read, as [address, length]. */
  special: Array<[string, number]>
}

const IPV4: Family = {
  bits: 32,
  value: ipv4Value,
  text: ipv4Text,
  special: [
    ['0.0.0.0', 32],
    ['127.0.0.0', 8],
    ['127.0.0.1', 32],
    ['169.254.0.0', 16],
    ['224.0.0.0', 4],
    ['255.255.255.255', 32],
  ],
}

const IPV6: Family = {
  bits: 128,
  value: ipv6Value,
  text: ipv6Text,
  special: [
    ['::', 128],
    ['::1', 128],
    ['::ffff:0:0', 96],
    ['fe80::', 64],
    ['ff00::', 8],
  ],
}

/** Keyed prefix-preserving map of one address family. Every prefix to keep must be declared before the first map(). */
class PrefixPreservingMap {
  /** Prefixes (as bit strings) after which the next bit is never flipped. */
  private readonly unflipped = new Set<string>()
  private readonly flips = new Map<string, boolean>()
  private readonly mapped = new Map<bigint, bigint>()
  private readonly subnets = new Set<string>()

  constructor(
    private readonly family: Family,
    private readonly key: Buffer,
  ) {
    for (const [address, length] of family.special) this.keepPrefix(family.value(address) ?? 0n, length)
  }

  private bitsOf(value: bigint): string {
    return value.toString(2).padStart(this.family.bits, '0')
  }

  /** The first `length` bits of `value` map to themselves. */
  private keepPrefix(value: bigint, length: number): void {
    const bits = this.bitsOf(value)
    for (let index = 0; index < length; index++) this.unflipped.add(bits.slice(0, index))
  }

  /** Within the subnet `value/length`, host parts of all zeros and all ones stay so: network and broadcast addresses. */
  keepEnds(value: bigint, length: number): void {
    const network = this.bitsOf(value).slice(0, length)
    if (this.subnets.has(network)) return
    this.subnets.add(network)
    for (let suffix = 0; length + suffix < this.family.bits; suffix++) {
      this.unflipped.add(network + '0'.repeat(suffix))
      this.unflipped.add(network + '1'.repeat(suffix))
    }
  }

  private flip(prefix: string): boolean {
    let flip = this.flips.get(prefix)
    if (flip === undefined) {
      flip = ((createHmac('sha256', this.key).update(`${this.family.bits}:${prefix}`).digest()[0] ?? 0) & 1) === 1
      this.flips.set(prefix, flip)
    }
    return flip
  }

  map(value: bigint): bigint {
    const known = this.mapped.get(value)
    if (known !== undefined) return known
    const bits = this.bitsOf(value)
    let out = ''
    for (let index = 0; index < bits.length; index++) {
      const prefix = bits.slice(0, index)
      const bit = bits[index] ?? '0'
      out += !this.unflipped.has(prefix) && this.flip(prefix) ? (bit === '0' ? '1' : '0') : bit
    }
    const result = BigInt(`0b${out}`)
    this.mapped.set(value, result)
    return result
  }
}

const HEX = '[0-9a-fA-F]'
const MAC_TEXT = `(?<![\\w:])${HEX}{2}(?::${HEX}{2}){5}(?![\\w:])`
const IPV6_TEXT = `(?<![\\w:])(?:(?:${HEX}{1,4}:){1,7}|:)(?::|(?::${HEX}{1,4}){1,7}|${HEX}{1,4})(?![\\w:])`
const IPV4_TEXT = '\\b(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)(?:\\.(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}\\b'
/** What names are made of in free text; a name with any other character is matched on its own. */
const WORD_TEXT = '\\w[\\w.-]*'
const PLAIN_WORD = new RegExp(`^${WORD_TEXT}$`)
const IS_MAC = new RegExp(`^${MAC_TEXT}$`)
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Config files whose name says only which format they are in. */
const GENERIC_FILES = new Set(['interfaces', 'rc.local'])

/** Every file a boot path names. */
const bootFiles = (boot: BootPath): string[] => [
  ...boot.units.flatMap((unit) => [unit.path, ...unit.enabledBy]),
  ...(boot.networkd ? [...boot.networkd.netdevs.map((netdev) => netdev.path), ...boot.networkd.attachedBy.flatMap((network) => [network.path, ...(network.dropIn ? [network.dropIn] : [])]), ...boot.networkd.configuredBy] : []),
  ...[...boot.ifupdown, ...boot.networkManager, ...boot.scripts].map((entry) => entry.path),
]
/** Network options whose values are Docker's or the kernel's vocabulary, not the operator's words. */
const PLAIN_OPTIONS = new Set(['macvlan_mode', 'ipvlan_mode', 'ipvlan_flag', 'com.docker.network.driver.mtu', 'com.docker.network.enable_ipv6'])
/** Command-line flags whose value is a path on the operator's machine. */
const PATH_FLAGS = new Set(['--from', '--output', '-o', '--config'])

/** `record` with each present field listed in `fields` replaced by its redaction; absent fields stay absent. */
function redactFields<T extends object>(record: T, fields: {[K in keyof T]?: (value: NonNullable<T[K]>) => T[K]}): T {
  const out = {...record}
  for (const key of Object.keys(fields) as Array<keyof T>) {
    const value = record[key]
    const redact = fields[key]
    if (value !== undefined && value !== null && redact) out[key] = redact(value)
  }
  return out
}

const mapKeys = <V>(record: Record<string, V>, key: (name: string) => string, value: (item: V) => V = (item) => item): Record<string, V> =>
  Object.fromEntries(Object.entries(record).map(([name, item]) => [key(name), value(item)]))

/** The CIDR blocks that exactly cover first..last (at most two per bit). */
function cidrBlocks(first: bigint, last: bigint, bits: number): Array<{value: bigint; length: number}> {
  const blocks: Array<{value: bigint; length: number}> = []
  let start = first
  while (start <= last) {
    let size = 0
    while (size < bits && (start & ((1n << BigInt(size + 1)) - 1n)) === 0n && start + (1n << BigInt(size + 1)) - 1n <= last) size++
    blocks.push({value: start, length: bits - size})
    start += 1n << BigInt(size)
  }
  return blocks
}

type TokenKind = 'net' | 'container' | 'host' | 'label' | 'aux' | 'profile' | 'file' | 'value'

export interface RedactionInputs {
  probes?: ProbeResults
  settings?: RuleSettings
}

/** One run's redaction: built from everything it will redact, so that each value maps to one pseudonym throughout. */
export class Redaction {
  private readonly v4: PrefixPreservingMap
  private readonly v6: PrefixPreservingMap
  private readonly tokens = new Map<TokenKind, Map<string, string>>()
  /** Whole words of free text that are names, IDs or file names of this host, and what they become. */
  private readonly words = new Map<string, string>()
  /** Network names (and the first 10 characters a shim name keeps of a long one), for names that embed them. */
  private readonly networkWords = new Map<string, string>()
  private networkSegments = 1
  private readonly macs = new Map<string, string>()
  private readonly usedMacs = new Set<string>()
  private readonly ids = new Map<string, string>()
  private readonly usedIds = new Set<string>()
  private readonly pattern: RegExp

  constructor(
    snapshot: Snapshot,
    inputs: RedactionInputs = {},
    private readonly key: Buffer = randomBytes(32),
  ) {
    this.v4 = new PrefixPreservingMap(IPV4, key)
    this.v6 = new PrefixPreservingMap(IPV6, key)
    this.learn(snapshot, inputs)
    const odd = [...this.words.keys()].filter((word) => !PLAIN_WORD.test(word)).sort((a, b) => b.length - a.length)
    this.pattern = new RegExp(`(${odd.length > 0 ? odd.map(escapeRegExp).join('|') : '(?!)'})|(${MAC_TEXT})|(${IPV6_TEXT})|(${IPV4_TEXT})|(${WORD_TEXT})`, 'g')
  }

  /** Declares every subnet (so its ends keep their meaning) and every name (so free text finds it) before anything is mapped. */
  private learn(snapshot: Snapshot, {probes, settings}: RedactionInputs): void {
    const data = <T>(slice: Slice<T>): T | undefined => ('data' in slice ? slice.data : undefined)
    const networks = data(snapshot.networks) ?? []
    const containers = data(snapshot.containers) ?? []
    for (const network of networks) this.networkName(network.name)
    for (const container of containers) for (const attachment of container.networks) this.networkName(attachment.name)
    for (const record of probes?.records ?? []) if (record.network) this.networkName(record.network)
    for (const network of networks) for (const endpoint of network.endpoints) this.containerName(endpoint.name)
    for (const container of containers) this.containerName(container.name)
    for (const record of probes?.records ?? []) if (record.container) this.containerName(record.container)
    const hostname = data(snapshot.host)?.hostname
    if (hostname) this.hostname(hostname)
    for (const network of networks) {
      this.id(network.id)
      for (const config of network.ipam.config) for (const cidr of [config.subnet, config.ipRange]) if (cidr) this.subnet(cidr)
      for (const endpoint of network.endpoints) for (const cidr of [endpoint.ipv4, endpoint.ipv6]) if (cidr) this.subnet(cidr)
    }
    for (const container of containers) {
      this.id(container.id)
      for (const attachment of container.networks) {
        this.id(attachment.networkId)
        if (attachment.ipv4 && attachment.prefixlen !== undefined) this.subnet(`${attachment.ipv4}/${attachment.prefixlen}`)
      }
      if (container.sandboxKey) this.sandbox(container.sandboxKey)
    }
    const views = Object.values(data(snapshot.containerViews) ?? {}).flatMap((view) => data(view) ?? [])
    for (const {addresses, routes} of [{addresses: data(snapshot.addresses) ?? [], routes: data(snapshot.routes) ?? []}, ...views]) {
      for (const address of addresses) this.subnet(`${address.local}/${address.prefixlen}`)
      for (const route of routes) if (route.dst.includes('/')) this.subnet(route.dst)
    }
    const config = data(snapshot.netConfig)
    for (const paths of Object.values(config?.mentions ?? {})) for (const path of paths) this.fileName(posix.basename(path))
    for (const state of Object.values(config?.networkd ?? {})) if (state.networkFile) this.fileName(posix.basename(state.networkFile))
    for (const path of Object.values(config?.boot ?? {}).flatMap(bootFiles)) this.fileName(posix.basename(path))
    for (const record of probes?.records ?? []) {
      for (const offer of record.offers ?? []) {
        const mask = offer.mask ? ipv4Value(offer.mask) : undefined
        if (mask !== undefined) this.subnet(`${offer.offered}/${mask.toString(2).replace(/0+$/, '').length}`)
      }
    }
    for (const range of settings?.dhcpRanges ?? []) for (const block of this.blocksOf(range) ?? []) this.v4.keepEnds(block.value, block.length)
  }

  private subnet(cidr: string): void {
    const [address = '', length] = cidr.split('/')
    if (length === undefined) return
    const v4 = IPV4.value(address)
    if (v4 !== undefined) this.v4.keepEnds(v4, Number(length))
    const v6 = v4 === undefined ? IPV6.value(address) : undefined
    if (v6 !== undefined) this.v6.keepEnds(v6, Number(length))
  }

  /** An IPv4 `first-last` range as the CIDR blocks it is made of; undefined for anything else. */
  private blocksOf(range: string): Array<{value: bigint; length: number}> | undefined {
    if (!range.includes('-')) return undefined
    const interval = intervalOf(range)
    return interval && cidrBlocks(interval.first, interval.last, 32)
  }

  private token(kind: TokenKind, value: string): string {
    let byValue = this.tokens.get(kind)
    if (!byValue) this.tokens.set(kind, (byValue = new Map<string, string>()))
    let token = byValue.get(value)
    if (!token) {
      token = `${kind}-${byValue.size + 1}`
      byValue.set(value, token)
    }
    return token
  }

  /** A name free text may hold; the first kind to claim a word keeps it. */
  private word(value: string, redacted: string): string {
    if (!this.words.has(value)) this.words.set(value, redacted)
    return redacted
  }

  readonly networkName = (name: string): string => {
    const token = this.token('net', name)
    // A shim embeds its network's name, the stem derived from it (see shimNameFor), or, named by an older version,
    // its first 10 characters: each gets the network's token.
    for (const word of new Set([name, shimNameFor(name).replace(/-shim$/, ''), ...(name.length > 10 ? [name.slice(0, 10)] : [])])) {
      if (this.networkWords.has(word)) continue
      this.networkWords.set(word, token)
      this.networkSegments = Math.max(this.networkSegments, word.split(/[^A-Za-z0-9]/).length)
    }
    return this.word(name, token)
  }

  readonly containerName = (name: string): string => this.word(name, this.token('container', name))

  private hostname(name: string): string {
    const token = this.token('host', name)
    const short = name.split('.')[0] ?? name
    if (short.length > 1) this.word(short, token)
    return this.word(name, token)
  }

  /** A container or network ID (or a prefix of one): hex of the same length. */
  readonly id = (value: string): string => {
    let mapped = this.ids.get(value)
    if (!mapped) {
      for (let round = 0; !mapped || this.usedIds.has(mapped); round++) mapped = createHmac('sha256', this.key).update(`id:${round}:${value}`).digest('hex').slice(0, Math.min(value.length, 64))
      this.ids.set(value, mapped)
      this.usedIds.add(mapped)
      this.word(value, mapped)
      if (value.length > 12) this.word(value.slice(0, 12), mapped.slice(0, 12))
    }
    return mapped
  }

  /** A container's network namespace path: Docker's directory stays, the sandbox ID goes. */
  private readonly sandbox = (path: string): string => {
    const base = posix.basename(path)
    return /^[0-9a-f]+$/.test(base) ? posix.join(posix.dirname(path), this.word(base, this.id(base))) : path
  }

  /** A configuration file: its directory says which manager reads it and stays; its name may say anything. */
  readonly configPath = (path: string): string => `${this.text(posix.dirname(path))}/${this.fileName(posix.basename(path))}`

  private fileName(base: string): string {
    return GENERIC_FILES.has(base) ? base : this.word(base, `${this.token('file', base)}${posix.extname(base)}`)
  }

  /** An address or CIDR (the prefix length stays); anything else in an address field is free text (`default`). */
  readonly address = (text: string): string => {
    const slash = text.indexOf('/')
    const pseudonym = this.pseudonym(slash < 0 ? text : text.slice(0, slash))
    return pseudonym === undefined ? this.text(text) : `${pseudonym}${slash < 0 ? '' : text.slice(slash)}`
  }

  private pseudonym(address: string): string | undefined {
    const v4 = IPV4.value(address)
    if (v4 !== undefined) return IPV4.text(this.v4.map(v4))
    const v6 = IPV6.value(address)
    return v6 === undefined ? undefined : IPV6.text(this.v6.map(v6))
  }

  readonly mac = (text: string): string => {
    if (!IS_MAC.test(text)) return this.text(text)
    const lower = text.toLowerCase()
    const bytes = lower.split(':').map((byte) => Number.parseInt(byte, 16))
    const first = bytes[0] ?? 0
    // Group addresses (broadcast, IPv4/IPv6 multicast) and the null MAC are protocol constants, not this host's.
    if ((first & 1) === 1 || bytes.every((byte) => byte === 0)) return text
    let mapped = this.macs.get(lower)
    if (!mapped) {
      if (lower.startsWith('02:42:')) {
        const ip = this.v4.map(BigInt(`0x${lower.slice(6).replaceAll(':', '')}`))
        mapped = `02:42:${ip.toString(16).padStart(8, '0').replace(/(..)(?!$)/g, '$1:')}`
      } else {
        for (let round = 0; !mapped || mapped.startsWith('02:42:') || this.usedMacs.has(mapped); round++) {
          const random = [...createHmac('sha256', this.key).update(`mac:${round}:${lower}`).digest().subarray(0, 6)]
          random[0] = ((random[0] ?? 0) & 0xfc) | (first & 0x03)
          mapped = random.map((byte) => byte.toString(16).padStart(2, '0')).join(':')
        }
      }
      this.macs.set(lower, mapped)
      this.usedMacs.add(mapped)
    }
    return text === lower ? mapped : mapped.toUpperCase()
  }

  /** An interface name: kept, except the network names it embeds; a name that looked like a shim still does. */
  readonly ifname = (name: string): string => {
    const redacted = this.embedded(name)
    return redacted !== name && namedLikeShim(name) && !namedLikeShim(redacted) ? `${redacted}-shim` : redacted
  }

  /** `text` with each network name that sits between separators (or at either end) replaced by its token. */
  private embedded(text: string): string {
    if (this.networkWords.size === 0) return text
    const starts = [0]
    const ends: number[] = []
    for (let index = 0; index < text.length; index++) {
      if (!/[A-Za-z0-9]/.test(text[index] ?? '')) {
        ends.push(index)
        starts.push(index + 1)
      }
    }
    ends.push(text.length)
    let out = ''
    let done = 0
    let firstEnd = 0
    for (const start of starts) {
      while ((ends[firstEnd] ?? Infinity) <= start) firstEnd++
      if (start < done) continue
      for (let index = Math.min(firstEnd + this.networkSegments, ends.length) - 1; index >= firstEnd; index--) {
        const end = ends[index] ?? text.length
        const token = this.networkWords.get(text.slice(start, end))
        if (token) {
          out += text.slice(done, start) + token
          done = end
          break
        }
      }
    }
    return out + text.slice(done)
  }

  private freeWord(word: string): string {
    const known = this.words.get(word)
    if (known !== undefined) return known
    const trimmed = word.replace(/\.+$/, '')
    if (trimmed !== word && trimmed.length > 0) return this.freeWord(trimmed) + word.slice(trimmed.length)
    return this.embedded(word)
  }

  /** Free text: every address, MAC, name, ID and file name of this host in it, in one pass. */
  readonly text = (value: string): string =>
    value.replace(this.pattern, (match: string, odd?: string, mac?: string, ip6?: string, ip4?: string, word?: string) => {
      if (odd !== undefined) return this.words.get(odd) ?? odd
      if (mac !== undefined) return this.mac(mac)
      if (ip6 !== undefined || ip4 !== undefined) return this.pseudonym(match) ?? match
      return word === undefined ? match : this.freeWord(word)
    })

  private readonly error = (error: CollectError): CollectError => redactFields(error, {message: this.text, hint: this.text})

  private slice<T>(slice: Slice<T>, redact: (data: T) => T): Slice<T> {
    return 'data' in slice ? {data: redact(slice.data)} : {error: this.error(slice.error)}
  }

  private readonly link = (link: Link): Link => redactFields(link, {name: this.ifname, parent: this.ifname, master: this.ifname, mac: this.mac})
  private readonly addressOf = (address: Address): Address => redactFields(address, {ifname: this.ifname, local: this.address})
  private readonly ipv6Conf = (conf: Record<string, Ipv6Conf>): Record<string, Ipv6Conf> => mapKeys(conf, (name) => (IPV6_CONF_SCOPES.has(name) ? name : this.ifname(name)))
  private readonly route = (route: Route): Route => redactFields(route, {dst: this.address, gateway: this.address, dev: this.ifname, prefsrc: this.address})
  private readonly neighbour = (neighbour: Neighbour): Neighbour => redactFields(neighbour, {dst: this.address, dev: this.ifname, lladdr: this.mac})

  private readonly view = (view: ContainerView): ContainerView => ({
    links: view.links.map(this.link),
    addresses: view.addresses.map(this.addressOf),
    routes: view.routes.map(this.route),
    neighbours: view.neighbours.map(this.neighbour),
    ...(view.ipv6Conf ? {ipv6Conf: this.ipv6Conf(view.ipv6Conf)} : {}),
  })

  /** A network reference that is a name or an ID (`--config-from`). */
  private readonly networkRef = (reference: string): string => (this.ids.has(reference) ? this.id(reference) : this.networkName(reference))

  private readonly network = (network: DockerNetwork): DockerNetwork =>
    redactFields(network, {
      id: this.id,
      name: this.networkName,
      configFrom: this.networkRef,
      options: (options) => this.networkOptions(options),
      ipam: (ipam) => ({
        ...ipam,
        config: ipam.config.map((config) =>
          redactFields(config, {subnet: this.address, ipRange: this.address, gateway: this.address, auxAddresses: (aux) => mapKeys(aux, (name) => this.token('aux', name), this.address)}),
        ),
      }),
      labelKeys: (keys) => keys.map((key) => this.token('label', key)),
      endpoints: (endpoints) => endpoints.map((endpoint) => redactFields(endpoint, {containerId: this.id, name: this.containerName, mac: this.mac, ipv4: this.address, ipv6: this.address})),
    })

  private readonly networkOptions = (options: Record<string, string>): Record<string, string> => {
    return Object.fromEntries(Object.entries(options).map(([key, value]) => [key, key === 'parent' ? this.ifname(value) : PLAIN_OPTIONS.has(key) ? value : this.token('value', value)]))
  }

  private readonly container = (container: DockerContainer): DockerContainer =>
    redactFields(container, {
      id: this.id,
      name: this.containerName,
      sandboxKey: this.sandbox,
      requestedMac: this.mac,
      networks: (networks) =>
        networks.map((attachment) =>
          redactFields(attachment, {name: this.networkName, networkId: this.id, ipv4: this.address, ipv6: this.address, mac: this.mac, gateway: this.address, gatewayIpv6: this.address, requestedIpv4: this.address, requestedIpv6: this.address}),
        ),
      publishedPorts: (ports) => ports.map((port) => redactFields(port, {hostIp: this.address})),
    })

  private readonly netConfig = (config: NetConfig): NetConfig =>
    redactFields(config, {
      networkd: (networkd) => mapKeys(networkd, this.ifname, (state) => redactFields(state, {networkFile: this.configPath})),
      networkManager: (devices) => devices.map((device) => redactFields(device, {device: this.ifname, connection: (name) => this.token('profile', name)})),
      mentions: (mentions) => mapKeys(mentions, this.ifname, (paths) => paths.map(this.configPath)),
      dockerUnitAfter: (units) => units.map(this.text),
      dockerUserRules: (rules) => rules.map(this.text),
      boot: (boot) => mapKeys(boot, this.ifname, this.bootPath),
    })

  private readonly bootPath = (boot: BootPath): BootPath =>
    redactFields(boot, {
      units: (units) => units.map((unit) => ({...unit, path: this.configPath(unit.path), unit: this.fileName(unit.unit), install: unit.install.map(this.text), enabledBy: unit.enabledBy.map(this.configPath)})),
      networkd: (networkd) => ({
        netdevs: networkd.netdevs.map((netdev) => ({...netdev, path: this.configPath(netdev.path)})),
        attachedBy: networkd.attachedBy.map((network) => redactFields({...network, path: this.configPath(network.path), match: network.match.map(this.text)}, {dropIn: this.configPath})),
        configuredBy: networkd.configuredBy.map(this.configPath),
      }),
      ifupdown: (stanzas) => stanzas.map((stanza) => ({...stanza, path: this.configPath(stanza.path), iface: this.ifname(stanza.iface)})),
      networkManager: (keyfiles) => keyfiles.map((keyfile) => redactFields({...keyfile, path: this.configPath(keyfile.path)}, {id: (id) => this.token('profile', id)})),
      scripts: (scripts) => scripts.map((script) => ({...script, path: this.configPath(script.path)})),
    })

  snapshot(snapshot: Snapshot): Snapshot {
    return {
      ...snapshot,
      command: this.command(snapshot.command),
      redacted: true,
      host: this.slice(snapshot.host, (host) => ({...host, hostname: this.hostname(host.hostname)})),
      links: this.slice(snapshot.links, (links) => links.map(this.link)),
      addresses: this.slice(snapshot.addresses, (addresses) => addresses.map(this.addressOf)),
      routes: this.slice(snapshot.routes, (routes) => routes.map(this.route)),
      neighbours: this.slice(snapshot.neighbours, (neighbours) => neighbours.map(this.neighbour)),
      fdb: this.slice(snapshot.fdb, (entries) => entries.map((entry) => redactFields(entry, {mac: this.mac, ifname: this.ifname, master: this.ifname}))),
      bridgePorts: this.slice(snapshot.bridgePorts, (ports) => ports.map((port) => redactFields(port, {ifname: this.ifname, master: this.ifname}))),
      sysfs: this.slice(snapshot.sysfs, (sysfs) => mapKeys(sysfs, this.ifname)),
      netConfig: this.slice(snapshot.netConfig, this.netConfig),
      docker: this.slice(snapshot.docker, (docker) => docker),
      networks: this.slice(snapshot.networks, (networks) => networks.map(this.network)),
      containers: this.slice(snapshot.containers, (containers) => containers.map(this.container)),
      containerViews: this.slice(snapshot.containerViews, (views) => mapKeys(views, this.id, (view) => this.slice(view, this.view))),
      ...(snapshot.ipv6Conf ? {ipv6Conf: this.slice(snapshot.ipv6Conf, this.ipv6Conf)} : {}),
      ...(snapshot.origin === undefined ? {} : {origin: this.text(snapshot.origin)}),
    }
  }

  private readonly record = (record: ProbeRecord): ProbeRecord =>
    redactFields(record, {
      // From a container the namespace is the container's name; otherwise it is `host` or `probe`.
      from: (from) => redactFields(from, {namespace: (name) => (record.purpose.startsWith('container-') ? this.containerName(name) : name), interface: this.ifname, mac: this.mac}),
      target: this.address,
      parent: this.ifname,
      network: this.networkName,
      container: this.containerName,
      replies: (replies) => replies.map((reply) => redactFields(reply, {mac: this.mac})),
      nextHopMac: this.mac,
      // The address asked for and the address offered must map alike: an offer of the very address asked for is the proof.
      offers: (offers) => offers.map((offer) => redactFields(offer, {server: this.address, offered: this.address, requested: this.address, router: this.address})),
      questions: (questions) =>
        questions.map((question) =>
          redactFields(question, {address: this.address, why: this.text, network: this.networkName, range: this.address, after: this.address, container: this.containerName, beside: this.address}),
        ),
      detail: this.text,
      command: this.text,
    })

  probes(probes: ProbeResults): ProbeResults {
    return {...probes, records: probes.records.map(this.record), skipped: probes.skipped.map((skip) => redactFields(skip, {probe: this.text, reason: this.text, hint: this.text, parent: this.ifname, container: this.containerName}))}
  }

  /** DHCP pools: a `first-last` range becomes the pseudonyms of the CIDR blocks it is made of (the same set of addresses). */
  settings(settings: RuleSettings): RuleSettings {
    return {
      ...settings,
      dhcpRanges: settings.dhcpRanges.flatMap((range) => this.blocksOf(range)?.map((block) => this.address(`${ipv4Text(block.value)}/${block.length}`)) ?? [this.address(range)]),
    }
  }

  subject(subject: Subject): Subject {
    return redactFields(subject, {network: this.networkName, container: this.containerName, interface: this.ifname})
  }

  proofs(proofs: AddressProof[]): AddressProof[] {
    return proofs.map((proof) => redactFields(proof, {address: this.address, parent: this.ifname, detail: this.text, command: this.text}))
  }

  /** A command line: paths given to it become file tokens, everything else is free text. */
  command(argv: string[]): string[] {
    const file = (path: string) => (path === '-' ? path : `${this.token('file', path)}${posix.extname(path)}`)
    return argv.map((arg, index) => {
      if (PATH_FLAGS.has(argv[index - 1] ?? '')) return file(arg)
      const [flag = '', value] = arg.split(/=(.*)/s)
      return value !== undefined && PATH_FLAGS.has(flag) ? `${flag}=${file(value)}` : this.text(arg)
    })
  }
}
