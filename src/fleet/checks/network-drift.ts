import type {Finding} from '../../engine/types.js'
import {sh} from '../../exec/quote.js'
import {HostModel, ipv4Pools, ipv6Pools, MissingSlice, type L2Network} from '../../model/host-model.js'
import {canonicalCidr} from '../../model/ip.js'
import {onHost} from './support.js'
import type {FleetCheck} from '../evaluate.js'
import type {FleetHost} from '../model.js'

/** What a network's name promises wherever it is used (the parent's name and the --ip-range rightly differ from host to host). */
function settingsOf(l2: L2Network): Record<string, string> {
  const pools = (configs: ReturnType<typeof ipv6Pools>) => configs.map((config) => `${canonicalCidr(config.subnet) ?? config.subnet}${config.gateway ? ` via ${config.gateway}` : ''}`).join(', ') || 'none'
  return {
    driver: l2.driver,
    mode: l2.mode,
    'IPv4 subnet': pools(ipv4Pools(l2)),
    'IPv6 subnet': pools(ipv6Pools(l2)),
    internal: String(l2.network.internal),
    MTU: l2.network.options['com.docker.network.driver.mtu'] ?? 'the parent\'s',
  }
}

function networksOf(host: FleetHost): L2Network[] {
  try {
    return new HostModel(host.snapshot).l2Networks()
  } catch (error) {
    if (error instanceof MissingSlice) return []
    throw error
  }
}

export const networkDrift: FleetCheck = {
  meta: {id: 'fleet-network-drift', code: 'MVF006', title: 'A network name means the same network on every host', severity: 'warn', compares: 'network names and settings'},
  evaluate: ({hosts}) => {
    const byName = new Map<string, Array<{host: FleetHost; settings: Record<string, string>}>>()
    for (const host of hosts.filter((candidate) => !candidate.snapshot.redacted)) {
      for (const l2 of networksOf(host)) byName.set(l2.network.name, [...(byName.get(l2.network.name) ?? []), {host, settings: settingsOf(l2)}])
    }
    return [...byName].flatMap(([name, uses]): Finding[] => {
      if (uses.length < 2) return []
      const subject = {network: name, hosts: uses.map((use) => use.host.name)}
      const keys = Object.keys(uses[0]?.settings ?? {})
      const differing = keys.filter((key) => new Set(uses.map((use) => use.settings[key])).size > 1)
      const evidence = {facts: {settings: Object.fromEntries(uses.map((use) => [use.host.name, use.settings]))}, commands: uses.map((use) => onHost(sh`docker network inspect ${name}`, use.host.name))}
      if (differing.length === 0) return [{outcome: 'pass', subject, message: `Network ${name} has the same driver, mode, subnets, gateways and MTU on ${uses.map((use) => use.host.name).join(', ')}.`, evidence}]
      const lines = differing.map((key) => {
        const values = [...new Set(uses.map((use) => use.settings[key] as string))]
        return `${key} ${values.map((value) => `${value} on ${uses.filter((use) => use.settings[key] === value).map((use) => use.host.name).join(', ')}`).join(' but ')}`
      })
      return [{
        outcome: 'warn',
        subject,
        message: `Network ${name} differs between hosts: ${lines.join('; ')}. A Compose file or a script that names it gets a different network on each host.`,
        evidence,
        fix: {summary: `Create ${name} with the same driver, mode, subnet, gateway and MTU on every host (only the parent and the --ip-range should differ), or give the different networks different names.`, commands: []},
      }]
    })
  },
}
