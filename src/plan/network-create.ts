/**
 * A `docker network create` command line, read as Docker would, into the network it would make: what `plan --check`
 * judges before the network exists. Only what Docker itself would accept is taken; anything else is a usage error.
 */
import {UserError} from '../errors.js'
import {cidrContains, ipv4Text, ipv4Value, ipv6Text, ipv6Value, isIPv6, parseCidr} from '../model/ip.js'
import type {DockerNetwork, IpamConfig} from '../snapshot/types.js'

/** The id a planned network carries in the snapshot: no real network id has a colon. */
export const PLANNED_ID = 'planned:'

const VALUE_FLAGS: Record<string, string> = {
  '-d': 'driver',
  '--driver': 'driver',
  '--subnet': 'subnet',
  '--gateway': 'gateway',
  '--ip-range': 'ip-range',
  '--aux-address': 'aux-address',
  '-o': 'opt',
  '--opt': 'opt',
  '--label': 'label',
  '--config-from': 'config-from',
  '--scope': 'scope',
  '--ipam-driver': 'ipam-driver',
  '--ipam-opt': 'ipam-opt',
}
const SWITCHES: Record<string, string> = {'--ipv6': 'ipv6', '--internal': 'internal', '--attachable': 'attachable', '--config-only': 'config-only', '--ingress': 'ingress'}

const usage = (message: string) => new UserError(message, 'Give the command as you would run it: macvlan plan --check -- docker network create -d macvlan --subnet … -o parent=… NAME.', 3, 'usage')

/** `--flag value`, `--flag=value` and switches, in order; the one positional word is the name. */
function readArguments(words: string[]): {values: Map<string, string[]>; switches: Set<string>; name: string} {
  const values = new Map<string, string[]>()
  const switches = new Set<string>()
  const names: string[] = []
  for (let index = 0; index < words.length; index++) {
    const word = words[index] ?? ''
    const [flag, inline] = word.startsWith('--') && word.includes('=') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word, undefined]
    const key = VALUE_FLAGS[flag]
    if (key) {
      const value = inline ?? words[++index]
      if (value === undefined) throw usage(`${flag} needs a value`)
      values.set(key, [...(values.get(key) ?? []), value])
    } else if (SWITCHES[flag] && inline === undefined) switches.add(SWITCHES[flag])
    else if (word.startsWith('-')) throw usage(`docker network create has no option ${word} that plan --check knows`)
    else names.push(word)
  }
  const [name, ...extra] = names
  if (name === undefined) throw usage('the docker network create line has no network name')
  if (extra.length > 0) throw usage(`the docker network create line has more than one name: ${names.join(', ')}`)
  return {values, switches, name}
}

function pairs(entries: string[], flag: string): Array<[string, string]> {
  return entries.map((entry) => {
    const at = entry.indexOf('=')
    if (at <= 0) throw usage(`${flag} ${entry} is not KEY=VALUE`)
    return [entry.slice(0, at), entry.slice(at + 1)]
  })
}

/** Docker's default IPAM gives a subnet without --gateway its first address. */
function firstAddress(subnet: string): string | undefined {
  const range = parseCidr(subnet)
  if (!range) return undefined
  const network = range.getFirst().toString()
  return isIPv6(subnet) ? ipv6Text((ipv6Value(network) ?? 0n) + 1n) : ipv4Text((ipv4Value(network) ?? 0n) + 1n)
}

/** Each --gateway, --ip-range and --aux-address goes to the subnet that contains it, as Docker pairs them. */
function ipamConfigs(values: Map<string, string[]>): IpamConfig[] {
  const subnets = values.get('subnet') ?? []
  for (const subnet of subnets) if (!parseCidr(subnet) || !subnet.includes('/')) throw usage(`--subnet ${subnet} is not a CIDR`)
  const home = (flag: string, address: string) => {
    const subnet = subnets.find((candidate) => cidrContains(candidate, address.split('/')[0] ?? address))
    if (!subnet) throw usage(`${flag} ${address} is in no --subnet of the command`)
    return subnet
  }
  const configs = new Map<string, IpamConfig>(subnets.map((subnet) => [subnet, {subnet, auxAddresses: {}}]))
  for (const gateway of values.get('gateway') ?? []) (configs.get(home('--gateway', gateway)) as IpamConfig).gateway = gateway
  for (const range of values.get('ip-range') ?? []) (configs.get(home('--ip-range', range)) as IpamConfig).ipRange = range
  for (const [name, address] of pairs(values.get('aux-address') ?? [], '--aux-address')) (configs.get(home('--aux-address', address)) as IpamConfig).auxAddresses[name] = address
  return [...configs.values()].map((config) => {
    const gateway = config.gateway ?? firstAddress(config.subnet)
    return gateway ? {...config, gateway} : config
  })
}

/** The network `docker network create ARGS` would make: `docker network create` in front is optional. */
export function plannedNetwork(argv: string[]): DockerNetwork {
  const words = argv[0] === 'docker' ? argv.slice(1) : argv
  const args = words[0] === 'network' && words[1] === 'create' ? words.slice(2) : words
  if (args.length === 0) throw usage('no docker network create line was given')
  const {values, switches, name} = readArguments(args)
  const driver = values.get('driver')?.at(-1) ?? 'bridge'
  if (driver !== 'macvlan' && driver !== 'ipvlan') throw usage(`plan --check judges macvlan and ipvlan networks, and this one's driver is ${driver}`)
  if ((values.get('subnet') ?? []).length === 0 && !switches.has('config-only') && !values.has('config-from')) {
    throw usage('the network has no --subnet: Docker would pick one of its own, which is never the LAN')
  }
  return {
    id: `${PLANNED_ID}${name}`,
    name,
    driver,
    scope: values.get('scope')?.at(-1) ?? 'local',
    internal: switches.has('internal'),
    enableIPv6: switches.has('ipv6'),
    configOnly: switches.has('config-only'),
    ...(values.has('config-from') ? {configFrom: values.get('config-from')?.at(-1)} : {}),
    options: Object.fromEntries(pairs(values.get('opt') ?? [], '--opt')),
    ipam: {driver: values.get('ipam-driver')?.at(-1) ?? 'default', config: ipamConfigs(values)},
    labelKeys: (values.get('label') ?? []).map((label) => label.split('=')[0] ?? label),
    endpoints: [],
  }
}
