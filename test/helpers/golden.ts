/** Golden reports: lab fixtures replayed with a fixed clock, rendered in every format. Re-blessed only by `npm run golden:bless`. */
import {evaluateRules} from '../../src/engine/evaluate.js'
import {buildReport, type Report} from '../../src/engine/report.js'
import {buildFixPlan, type FixPlan} from '../../src/fix/plan.js'
import type {FixFormat} from '../../src/fix/render.js'
import {HostModel} from '../../src/model/host-model.js'
import {persistenceFor, type Persistence, type ShimSpec} from '../../src/remedy/persistence.js'
import {RULES} from '../../src/rules/index.js'
import {snapshotOf, type HostExample} from './examples.js'
import {fixture} from './fixtures.js'

/** shim-without-route: a root cause (shim-incomplete) with a consequence (host-isolation) folded under it. */
export const GOLDEN_FIXTURES = ['healthy', 'host-isolation', 'parent-down', 'duplicate-mac', 'shim-without-route'] as const

/** Golden reports are rendered as on a 100-column terminal, passing checks included. */
export const GOLDEN_OPTIONS = {color: false, verbose: true, columns: 100} as const

export function goldenReport(name: string): Report {
  const snapshot = fixture(name)
  return buildReport(snapshot, evaluateRules(RULES, snapshot), {
    tool: {name: 'macvlan-doctor', version: 'golden'},
    command: ['macvlan', 'doctor', '--from', `fixtures/snapshots/${name}.json`],
    generatedAt: '2026-01-01T00:00:00.000Z',
    replay: true,
  })
}

export const goldenPath = (name: string, format: string) => new URL(`../golden/${name}.${format === 'markdown' ? 'md' : format === 'prometheus' ? 'prom' : format === 'nagios' ? 'txt' : format === 'table' ? 'table.txt' : 'json'}`, import.meta.url)

/** Hosts whose parent eth0 is owned by each network manager, for the persistence golden files. */
export const PERSISTENCE_HOSTS = {
  'systemd-networkd': {netConfig: {networkd: {eth0: {adminState: 'configured', networkFile: '/run/systemd/network/10-netplan-eth0.network'}}}},
  NetworkManager: {netConfig: {networkManager: [{device: 'eth0', type: 'ethernet', state: 'connected', connection: 'Wired connection 1'}]}},
  ifupdown: {netConfig: {mentions: {eth0: ['/etc/network/interfaces']}}},
  netplan: {host: {networkManagers: ['netplan']}},
  none: {},
} satisfies Record<string, HostExample>

export const PERSISTED_SHIM: ShimSpec = {name: 'lan-shim', parent: 'eth0', mode: 'bridge', addresses: ['192.168.1.223/32'], routes: ['192.168.1.192/27']}

export function goldenPersistence(host: keyof typeof PERSISTENCE_HOSTS): Persistence {
  return persistenceFor(new HostModel(snapshotOf({links: [{name: 'eth0'}], ...PERSISTENCE_HOSTS[host]})), PERSISTED_SHIM)
}

/** Each file under test/golden/persistence/<host>/ at its path on the target host. */
export const persistenceGoldenPath = (host: string, path: string) => new URL(`../golden/persistence/${host}${path}`, import.meta.url)

/** Fixtures whose `macvlan fix` plan is kept as golden text, Markdown and JSON. */
export const GOLDEN_FIX_FIXTURES = ['host-isolation', 'shim-without-route', 'no-ip-range'] as const

export function goldenFixPlan(name: string): FixPlan {
  return buildFixPlan(goldenReport(name), new HostModel(fixture(name)), [])
}

export const fixGoldenPath = (name: string, format: FixFormat) => new URL(`../golden/fix/${name}.${format === 'markdown' ? 'md' : format === 'json' ? 'json' : 'txt'}`, import.meta.url)
