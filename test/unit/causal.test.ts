/** The causal layer: which failure explains which, from lab fixtures with the probes the lab saw, and from small hosts. */
import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {evaluateRules} from '../../src/engine/evaluate.js'
import {buildReport} from '../../src/engine/report.js'
import {EXIT_CODES} from '../../src/engine/status.js'
import {DEFAULT_SETTINGS, type CheckResult} from '../../src/engine/types.js'
import type {ProbeRecord, ProbeResults} from '../../src/probe/types.js'
import {RULES} from '../../src/rules/index.js'
import type {Snapshot} from '../../src/snapshot/types.js'
import {PERSISTED_SHIM_CONFIG, probesOf, snapshotOf, type HostExample} from '../helpers/examples.js'
import {fixture} from '../helpers/fixtures.js'

type Record = Partial<ProbeRecord> & Pick<ProbeRecord, 'purpose' | 'target' | 'outcome'>

const probes = (records: Record[]): ProbeResults => probesOf({probes: records}) as ProbeResults

const reportOf = (snapshot: Snapshot, records?: Record[], ignored: string[] = []) =>
  buildReport(snapshot, evaluateRules(RULES, snapshot, DEFAULT_SETTINGS, records ? probes(records) : undefined, ignored), {tool: {name: 'macvlan-doctor', version: 'test'}, command: ['macvlan', 'doctor'], generatedAt: 'now', replay: false, ignored})

const exampleReport = (host: HostExample, ignored: string[] = []) => reportOf(snapshotOf(host), host.probes, ignored)

const problemsOf = (checks: CheckResult[]) => checks.filter((check) => check.outcome === 'fail' || check.outcome === 'warn')
const named = (checks: CheckResult[], id: string) => checks.filter((check) => check.id === id)

/** Every failing or warning check other than the root names exactly that root. */
function expectOneRoot(report: ReturnType<typeof reportOf>, root: {id: string; subject: CheckResult['subject']}) {
  const cause = problemsOf(report.checks).find((check) => check.id === root.id)
  const others = problemsOf(report.checks).filter((check) => check !== cause)
  expect(cause).toMatchObject({...root, outcome: 'fail'})
  expect(cause?.causedBy).toBeUndefined()
  expect(others.length).toBeGreaterThan(0)
  for (const check of others) {
    expect(check.causedBy, `${check.id} ${JSON.stringify(check.subject)}`).toEqual([root])
    expect(check.fix, `${check.id} keeps no fix of its own`).toBeUndefined()
  }
  expect(report.problems).toBe(1)
  expect(EXIT_CODES[report.status]).toBe(2)
}

/** What the lab's probes see when nothing gets through eth1 at all. */
const silentLab: Record[] = [
  {purpose: 'host-to-container', target: '192.168.77.192', network: 'lan', container: 'web', outcome: 'no-reply', l2: 'unresolved'},
  {purpose: 'host-to-container', target: '192.168.77.193', network: 'lan', container: 'db', outcome: 'no-reply', l2: 'unresolved'},
  {purpose: 'container-to-gateway', target: '192.168.77.1', network: 'lan', container: 'web', outcome: 'no-reply', l2: 'unresolved'},
  {purpose: 'container-to-gateway', target: '192.168.77.1', network: 'lan', container: 'db', outcome: 'no-reply', l2: 'unresolved'},
  {purpose: 'container-to-peer', target: '192.168.77.193', network: 'lan', container: 'web', outcome: 'no-reply', l2: 'unresolved'},
  {purpose: 'container-to-peer', target: '192.168.77.192', network: 'lan', container: 'db', outcome: 'no-reply', l2: 'unresolved'},
  {purpose: 'mac-filter-host', kind: 'arp', parent: 'eth1', target: '192.168.77.1', outcome: 'no-reply', replies: []},
  {purpose: 'mac-filter-scratch', kind: 'arp', parent: 'eth1', target: '192.168.77.1', outcome: 'no-reply', replies: []},
]

describe('causes from the lab fixtures', () => {
  it.each(['parent-down', 'parent-no-carrier'])('%s explains host-isolation, both containers and the silent gateway: one problem', (name) => {
    const report = reportOf(fixture(name), silentLab)
    expectOneRoot(report, {id: 'parent-down', subject: {network: 'lan', interface: 'eth1'}})
    expect(problemsOf(report.checks).map((check) => check.id).sort()).toEqual(['container-route', 'container-route', 'gateway-missing', 'host-isolation', 'parent-down'])
    const web = report.checks.find((check) => check.id === 'container-route' && check.subject.container === 'web')
    expect(web?.outcome).toBe('fail')
    expect(web?.message).toMatch(/This follows from parent-down \(eth1\): fix that first\.$/)
    expect(web?.message).not.toContain('mac-filtered')
  })

  it('parent-missing explains the container whose link vanished with it (no probes needed)', () => {
    const report = reportOf(fixture('parent-missing'))
    expectOneRoot(report, {id: 'parent-missing', subject: {network: 'lan2', interface: 'eth2'}})
  })

  it('an incomplete shim explains the host isolation it causes', () => {
    const report = reportOf(fixture('shim-without-route'))
    expectOneRoot(report, {id: 'shim-incomplete', subject: {network: 'lan', interface: 'lan-shim'}})
    expect(named(report.checks, 'host-isolation')[0]?.message).toContain('This follows from shim-incomplete (lan-shim)')
  })

  it('proven MAC filtering explains the containers that cannot reach their gateway, not a peer failure', () => {
    const filtered: Record[] = [
      {purpose: 'mac-filter-host', kind: 'arp', parent: 'eth1', target: '192.168.77.1', outcome: 'reply', replies: [{mac: '02:00:00:00:00:01'}]},
      {purpose: 'mac-filter-scratch', kind: 'arp', parent: 'eth1', target: '192.168.77.1', outcome: 'no-reply', replies: []},
      {purpose: 'container-to-gateway', target: '192.168.77.1', network: 'lan', container: 'web', outcome: 'no-reply', l2: 'unresolved'},
      {purpose: 'container-to-gateway', target: '192.168.77.1', network: 'lan', container: 'db', outcome: 'no-reply', l2: 'unresolved'},
    ]
    const report = reportOf(fixture('mac-filtered'), filtered)
    expectOneRoot(report, {id: 'mac-filtered', subject: {interface: 'eth1'}})
    expect(named(report.checks, 'mac-filtered')[0]?.fix?.summary).toBeDefined()

    const peerToo = reportOf(fixture('mac-filtered'), [...filtered, {purpose: 'container-to-peer', target: '192.168.77.193', network: 'lan', container: 'web', outcome: 'no-reply', l2: 'unresolved'}])
    const web = peerToo.checks.find((check) => check.id === 'container-route' && check.subject.container === 'web')
    expect(web?.causedBy).toBeUndefined()
    expect(web?.fix?.summary).not.toMatch(/parent-down|mac-filtered/)
    expect(peerToo.problems).toBe(2)
  })

  it('an unexplained failure names no other check, and counts as its own problem', () => {
    const report = reportOf(fixture('healthy'), [{purpose: 'container-to-gateway', target: '192.168.77.1', network: 'lan', container: 'web', outcome: 'no-reply', l2: 'unresolved'}])
    const [web] = problemsOf(report.checks)
    expect(web).toMatchObject({id: 'container-route', outcome: 'fail'})
    expect(web?.causedBy).toBeUndefined()
    expect(`${web?.message} ${web?.fix?.summary}`).not.toMatch(/parent-down|mac-filtered|macvlan-mode|gateway-missing/)
    expect(report.problems).toBe(1)
  })

  it('an ignored root cause explains nothing: its consequences become problems', () => {
    const report = reportOf(fixture('parent-down'), silentLab, ['parent-down'])
    expect(report.checks.some((check) => check.causedBy)).toBe(false)
    expect(report.problems).toBe(problemsOf(report.checks).length)
  })
})

/** The host's working shim to the containers on eth0. */
const shim = {name: 'lan-shim', kind: 'macvlan', parent: 'eth0', mode: 'bridge', mac: '02:00:00:00:00:23', address: '192.168.1.223/32'}
const shimRoute = {dst: '192.168.1.192/27', dev: 'lan-shim'}

/** A host on 192.168.1.0/24 with a working shim, whose containers web and db answer nothing beyond their own link. */
function lan(overrides: Partial<HostExample> & {records?: Record[]} = {}): HostExample {
  const {records = [], ...rest} = overrides
  const view = (ip: string) => ({addresses: [{ifname: 'eth0', family: 'inet' as const, local: ip, prefixlen: 24, scope: 'global'}], routes: [{table: 'main', type: 'unicast', dst: 'default', gateway: '192.168.1.1', dev: 'eth0'}]})
  return {
    links: [{name: 'eth0', address: '192.168.1.10/24'}, shim],
    routes: [{dst: 'default', gateway: '192.168.1.1', dev: 'eth0'}, shimRoute],
    networks: [{name: 'lan', parent: 'eth0', ipRange: '192.168.1.192/27', aux: {shim: '192.168.1.223'}}],
    containers: [
      {name: 'web', network: 'lan', ip: '192.168.1.192'},
      {name: 'db', network: 'lan', ip: '192.168.1.193'},
    ],
    views: {web: view('192.168.1.192'), db: view('192.168.1.193')},
    netConfig: PERSISTED_SHIM_CONFIG,
    ...rest,
    probes: [
      {purpose: 'container-to-gateway', target: '192.168.1.1', network: 'lan', container: 'web', outcome: 'no-reply', l2: 'unresolved'},
      {purpose: 'container-to-gateway', target: '192.168.1.1', network: 'lan', container: 'db', outcome: 'no-reply', l2: 'unresolved'},
      ...records,
    ],
  }
}

describe('causes on small hosts', () => {
  it('a network off the LAN explains its silent containers, and becomes a failure that says why', () => {
    const report = exampleReport(lan({links: [{name: 'eth0', address: '10.0.0.10/24'}, shim], routes: [{dst: 'default', gateway: '10.0.0.1', dev: 'eth0'}, shimRoute]}))
    expectOneRoot(report, {id: 'subnet-mismatch', subject: {network: 'lan', interface: 'eth0'}})
    expect(named(report.checks, 'subnet-mismatch')[0]?.message).toContain('Counted as a failure: it explains container-route (web), container-route (db), which fail.')
  })

  it('a subnet that only differs in size from the LAN explains nothing', () => {
    const report = exampleReport(lan({links: [{name: 'eth0', address: '192.168.1.10/16'}, shim], routes: [shimRoute]}))
    expect(named(report.checks, 'subnet-mismatch')[0]?.outcome).toBe('warn')
    expect(named(report.checks, 'container-route').every((check) => !check.causedBy)).toBe(true)
  })

  it('a gateway that answers no ARP is a failure, and explains the containers', () => {
    const report = exampleReport(lan({records: [{purpose: 'mac-filter-host', kind: 'arp', parent: 'eth0', target: '192.168.1.1', outcome: 'no-reply', replies: []}]}))
    expectOneRoot(report, {id: 'gateway-missing', subject: {network: 'lan'}})
    expect(named(report.checks, 'gateway-missing')[0]?.message).toMatch(/^Nothing answers at the gateway 192\.168\.1\.1/)
  })

  it('a gateway other than the host router explains the containers only while nothing proves it answers', () => {
    const other = {networks: [{name: 'lan', parent: 'eth0', gateway: '192.168.1.254', ipRange: '192.168.1.192/27', aux: {shim: '192.168.1.223'}}]}
    const unproven = exampleReport(lan(other))
    expectOneRoot(unproven, {id: 'gateway-missing', subject: {network: 'lan'}})
    const answers = exampleReport(lan({...other, records: [{purpose: 'mac-filter-host', kind: 'arp', parent: 'eth0', target: '192.168.1.254', outcome: 'reply', replies: [{mac: '02:00:00:00:00:fe'}]}]}))
    expect(named(answers.checks, 'gateway-missing')[0]).toMatchObject({outcome: 'warn', symptoms: ['other-router-answers']})
    expect(named(answers.checks, 'container-route').every((check) => !check.causedBy)).toBe(true)
    expect(answers.problems).toBe(3)
  })

  it('a parent that is down explains the silent gateway and, through it, names only itself as the root', () => {
    const report = exampleReport(lan({links: [{name: 'eth0', address: '192.168.1.10/24', flags: ['BROADCAST', 'MULTICAST']}, shim], records: [{purpose: 'mac-filter-host', kind: 'arp', parent: 'eth0', target: '192.168.1.1', outcome: 'no-reply', replies: []}]}))
    expectOneRoot(report, {id: 'parent-down', subject: {network: 'lan', interface: 'eth0'}})
  })

  it('a Wi-Fi parent explains the MAC filtering the probes prove on it, and through it the containers', () => {
    const report = exampleReport(
      lan({
        sysfs: {eth0: {wireless: true}},
        records: [
          {purpose: 'mac-filter-host', kind: 'arp', parent: 'eth0', target: '192.168.1.1', outcome: 'reply', replies: [{mac: '02:00:00:00:00:01'}]},
          {purpose: 'mac-filter-scratch', kind: 'arp', parent: 'eth0', target: '192.168.1.1', outcome: 'no-reply', replies: []},
        ],
      }),
    )
    expectOneRoot(report, {id: 'wireless-parent', subject: {network: 'lan', interface: 'eth0'}})
    expect(named(report.checks, 'mac-filtered')[0]?.outcome).toBe('fail')
  })

  it('a gateway outside the subnet explains that it is not the host router too', () => {
    const report = exampleReport(lan({networks: [{name: 'lan', parent: 'eth0', gateway: '10.0.0.1', ipRange: '192.168.1.192/27', aux: {shim: '192.168.1.223'}}]}))
    expectOneRoot(report, {id: 'gateway-outside-subnet', subject: {network: 'lan'}})
    expect(named(report.checks, 'gateway-missing')[0]?.causedBy).toEqual([{id: 'gateway-outside-subnet', subject: {network: 'lan'}}])
  })

  it('an address conflict explains the container holding that address, and no other', () => {
    const report = exampleReport(
      lan({records: [{purpose: 'address-owners', kind: 'arp', parent: 'eth0', network: 'lan', target: '192.168.1.192', outcome: 'reply', replies: [{mac: 'de:ad:be:ef:00:01'}, {mac: '02:42:c0:a8:01:c0'}]}]}),
    )
    const [web, db] = ['web', 'db'].map((name) => report.checks.find((check) => check.id === 'container-route' && check.subject.container === name))
    expect(web?.causedBy).toEqual([{id: 'ip-conflict', subject: {network: 'lan', interface: 'eth0'}}])
    expect(db?.causedBy).toBeUndefined()
  })

  it('never folds a failure under a cause on another parent', () => {
    const host = lan({
      links: [
        {name: 'eth0', address: '192.168.1.10/24'},
        shim,
        {name: 'eth1', address: '192.168.2.10/24', flags: ['BROADCAST', 'MULTICAST']},
      ],
      networks: [
        {name: 'lan', parent: 'eth0', ipRange: '192.168.1.192/27', aux: {shim: '192.168.1.223'}},
        {name: 'lab', parent: 'eth1', subnet: '192.168.2.0/24', gateway: '192.168.2.1', ipRange: '192.168.2.192/27'},
      ],
    })
    const report = exampleReport(host)
    expect(named(report.checks, 'parent-down').find((check) => check.subject.network === 'lab')?.outcome).toBe('fail')
    expect(named(report.checks, 'container-route').map((check) => check.causedBy)).toEqual([undefined, undefined])
    expect(report.problems).toBe(3)
  })

  it('a missing shim stays a problem of its own when the parent also lost its carrier', () => {
    const report = exampleReport(
      lan({
        links: [{name: 'eth0', address: '192.168.1.10/24', flags: ['BROADCAST', 'MULTICAST', 'UP', 'NO-CARRIER']}],
        routes: [{dst: '192.168.1.0/24', dev: 'eth0', scope: 'link'}],
        records: [{purpose: 'host-to-container', target: '192.168.1.192', network: 'lan', container: 'web', outcome: 'no-reply', l2: 'unresolved'}],
      }),
    )
    const [isolation] = named(report.checks, 'host-isolation')
    expect(isolation).toMatchObject({outcome: 'warn', symptoms: ['no-shim', 'unreachable']})
    expect(isolation?.causedBy).toBeUndefined()
    expect(isolation?.fix?.commands.length).toBeGreaterThan(0)
  })
})

describe('the declared causes', () => {
  const ids = new Set(RULES.map((rule) => rule.meta.id))
  const declared = RULES.flatMap((rule) => (rule.meta.causedBy ?? []).map((upstream) => ({rule: rule.meta.id, upstream})))

  it('name registered rules other than the rule itself', () => {
    expect(declared.length).toBeGreaterThan(0)
    for (const {rule, upstream} of declared) {
      expect(ids.has(upstream.id), `${rule} ← ${upstream.id}`).toBe(true)
      expect(upstream.id).not.toBe(rule)
    }
  })

  it('are listed on each rule\'s page', () => {
    for (const {rule, upstream} of declared) {
      const section = /## Caused by\n([\s\S]*?)\n## /.exec(readFileSync(`docs/rules/${rule}.md`, 'utf8'))?.[1] ?? ''
      expect(section, `docs/rules/${rule}.md names ${upstream.id}`).toContain(`\`${upstream.id}\``)
    }
  })

  it('form no cycle', () => {
    const upstreamOf = (id: string) => declared.filter(({rule}) => rule === id).map(({upstream}) => upstream.id)
    const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
      upstreamOf(from).some((next) => next === to || (!seen.has(next) && (seen.add(next), reaches(next, to, seen))))
    for (const id of ids) expect(reaches(id, id), id).toBe(false)
  })

  it('name only symptoms the rules can report', () => {
    // The rule's code, without its own declaration of causes (which names the symptoms it expects).
    const source = (id: string) => readFileSync(`src/rules/${id}.ts`, 'utf8').replace(/causedBy: \[[\s\S]*?\n {4}\],/, '')
    for (const {rule, upstream} of declared) {
      for (const symptom of upstream.explains ?? []) expect(source(rule), `${rule} reports ${symptom}`).toContain(`'${symptom}'`)
      for (const symptom of upstream.when ?? []) expect(source(upstream.id), `${upstream.id} reports ${symptom}`).toContain(`'${symptom}'`)
    }
  })
})
