import {mkdtempSync, readdirSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {evaluateRules} from '../../src/engine/evaluate.js'
import {buildReport} from '../../src/engine/report.js'
import {exitCodeFor} from '../../src/engine/status.js'
import {DEFAULT_SETTINGS, type CheckResult, type Subject} from '../../src/engine/types.js'
import {parseCidr} from '../../src/model/ip.js'
import {shimNameFor} from '../../src/remedy/persistence.js'
import {redactDiagnosis, redactSnapshot, runDoctor, type DoctorOptions} from '../../src/pipeline.js'
import {render} from '../../src/render/index.js'
import {RULES} from '../../src/rules/index.js'
import {shimName} from '../../src/remedy/shim.js'
import {l2NetworksOf} from '../../src/model/host-model.js'
import {schemaProblem} from '../../src/snapshot/load.js'
import {Redaction} from '../../src/snapshot/redact.js'
import {sliceData, type Snapshot} from '../../src/snapshot/types.js'
import {snapshot} from '../helpers/builders.js'
import {docExamples, probesOf, snapshotOf} from '../helpers/examples.js'
import {fixture} from '../helpers/fixtures.js'

const FIXTURES = readdirSync(new URL('../../fixtures/snapshots/', import.meta.url)).map((file) => file.replace(/\.json$/, ''))

/** What a replay decides, without the words: which check, about what kind of subject, with which outcome. */
const verdicts = (checks: CheckResult[]) => checks.map(({id, outcome, subject}) => `${id} ${outcome} ${Object.keys(subject).sort().join(',')}`).sort()

/** The same, with each subject as `subject` maps it, in an order that does not depend on how names sort. */
const judged = (checks: CheckResult[], subject: (subject: Subject) => Subject = (same) => same) =>
  checks.map((check) => JSON.stringify({id: check.id, outcome: check.outcome, subject: subject(check.subject)})).sort()

function doctorOptions(from: string): DoctorOptions {
  return {from, redact: true, collectTimeoutMs: 1000, concurrency: 1, command: ['macvlan', 'doctor', '--from', from, '--redact'], now: () => new Date('2026-01-01T00:00:00Z'), settings: DEFAULT_SETTINGS, ignore: []}
}

function saved(value: Snapshot): string {
  const path = join(mkdtempSync(join(tmpdir(), 'mvd-redact-')), 'host.json')
  writeFileSync(path, JSON.stringify(value))
  return path
}

/** A failing host (its gateway is outside the subnet) whose containers and network are named like the report's own words. */
function hostileHost(): Snapshot {
  const names = ['fail', 'status', 'data', 'host', 'checks', 'warn', 'pass', 'outcome', 'subject', 'redacted']
  const builder = snapshot()
    .withHost({hostname: 'status'})
    .withParent('eth0', {address: '192.168.1.2/24'})
    .withMacvlanNetwork({name: 'checks', parent: 'eth0', gateway: '10.0.0.1'})
  names.forEach((name, index) => builder.withContainer(name, 'checks', {ip: `192.168.1.${10 + index}`, mac: `02:42:c0:a8:01:${(10 + index).toString(16).padStart(2, '0')}`}))
  return builder.build()
}

describe('--redact on a host whose names are words of the report', () => {
  it('keeps the verdict, the exit code and a report that renders and validates', async () => {
    const {report} = await runDoctor(doctorOptions(saved(hostileHost())))
    expect(report.status).toBe('fail')
    expect(exitCodeFor(report.status, 'warn')).toBe(2)
    expect(report.redacted).toBe(true)
    expect(report.checks).toContainEqual(expect.objectContaining({id: 'gateway-outside-subnet', outcome: 'fail'}))
    expect(render(report, 'table', {color: false, verbose: true})).toContain('status: FAIL')
    expect(render(report, 'nagios', {color: false, verbose: false})).toMatch(/^MACVLAN CRITICAL - /)
    expect(render(report, 'markdown', {color: false, verbose: false})).toContain('FAIL')
    const json = JSON.stringify(report)
    for (const name of ['"fail"', '"checks"', '"status"']) expect(json.split(name).length, name).toBeGreaterThan(1)
    expect(report.checks.flatMap((check) => Object.values(check.subject))).not.toContain('checks')
  })

  it('writes a snapshot that validates against its schema and replays to the same verdicts', async () => {
    const original = hostileHost()
    const redacted = redactSnapshot(original)
    expect(await schemaProblem(JSON.parse(JSON.stringify(redacted)))).toBeUndefined()
    expect(verdicts(evaluateRules(RULES, redacted))).toEqual(verdicts(evaluateRules(RULES, original)))
  })
})

describe('doctor --redact judges the redacted data again', () => {
  const context = {tool: {name: 'macvlan-doctor', version: 'test'}, command: ['macvlan', 'doctor'], generatedAt: '2026-01-01T00:00:00Z', replay: false}
  const options = {ignore: [], command: ['macvlan', 'doctor', '--redact']}

  it('judges a declared DHCP pool alike, also one that covers the whole subnet', () => {
    const original = snapshot().withParent('eth0').withMacvlanNetwork({name: 'lan', parent: 'eth0'}).withContainer('web', 'lan', {ip: '192.168.1.10'}).build()
    const settings = {...DEFAULT_SETTINGS, dhcpRanges: ['192.168.0.200-192.168.2.10']}
    const report = buildReport(original, evaluateRules(RULES, original, settings), context)
    expect(report.checks).toContainEqual(expect.objectContaining({id: 'no-ip-range', outcome: 'warn'}))
    const redacted = redactDiagnosis({snapshot: original, report}, {...options, settings})
    expect(verdicts(redacted.report.checks)).toEqual(verdicts(report.checks))
    expect(JSON.stringify(redacted.report)).not.toMatch(/192\.168\.[012]\./)
  })

  it('shows nothing rather than a verdict that redaction changed', () => {
    const original = hostileHost()
    const report = buildReport(original, evaluateRules(RULES, original), context)
    const tampered = {...report, checks: report.checks.map((check) => (check.id === 'gateway-outside-subnet' ? {...check, outcome: 'pass' as const} : check))}
    expect(() => redactDiagnosis({snapshot: original, report: tampered}, {...options, settings: DEFAULT_SETTINGS})).toThrow('--redact would change the verdict of gateway-outside-subnet, so no redacted report was made')
  })
})

describe('a redacted fixture replays to the verdicts of the original', () => {
  it.each(FIXTURES)('%s', async (name) => {
    const original = fixture(name)
    const redaction = new Redaction(original)
    const redacted = redaction.snapshot(original)
    expect(await schemaProblem(JSON.parse(JSON.stringify(redacted)))).toBeUndefined()
    expect(judged(evaluateRules(RULES, redacted))).toEqual(judged(evaluateRules(RULES, original), (subject) => redaction.subject(subject)))
  })
})

describe("a redacted rule example (with its probes and declared DHCP pools) is judged as the original", () => {
  const examples = RULES.flatMap((rule) => docExamples(rule.meta.id).map((example, index) => [`${rule.meta.id} ${example.kind} #${index + 1}`, example.host] as const))

  it.each(examples)('%s', (_, host) => {
    const original = snapshotOf(host)
    const probes = probesOf(host)
    const settings = {...DEFAULT_SETTINGS, ...host.settings}
    const redaction = new Redaction(original, {probes, settings})
    const redactedProbes = probes && redaction.probes(probes)
    const replayed = evaluateRules(RULES, redaction.snapshot(original), redaction.settings(settings), redactedProbes)
    expect(judged(replayed)).toEqual(judged(evaluateRules(RULES, original, settings, probes), (subject) => redaction.subject(subject)))
    const addresses = JSON.stringify(redactedProbes ?? {}).match(/\b192\.168\.\d+\.\d+\b/g) ?? []
    expect(addresses.filter((address) => JSON.stringify(probes).includes(`"${address}"`))).toEqual([])
  })
})

/** Every value of a snapshot that names or locates this host, its containers and networks. */
function secretsOf(value: Snapshot): string[] {
  const secrets = new Set<string>()
  const host = sliceData(value.host)
  if (host) secrets.add(host.hostname)
  for (const network of sliceData(value.networks) ?? []) {
    secrets.add(network.name).add(network.id)
    for (const key of network.labelKeys) secrets.add(key)
    for (const config of network.ipam.config) for (const address of [config.subnet, config.gateway, config.ipRange]) if (address) secrets.add(address.split('/')[0] ?? '')
    for (const endpoint of network.endpoints) for (const address of [endpoint.mac, endpoint.ipv4, endpoint.ipv6]) if (address) secrets.add(address.split('/')[0] ?? '')
  }
  for (const container of sliceData(value.containers) ?? []) {
    secrets.add(container.name).add(container.id)
    if (container.sandboxKey) secrets.add(container.sandboxKey.split('/').pop() ?? '')
  }
  for (const link of sliceData(value.links) ?? []) if (link.mac && link.mac !== '00:00:00:00:00:00') secrets.add(link.mac)
  for (const address of sliceData(value.addresses) ?? []) if (address.scope !== 'host') secrets.add(address.local)
  for (const paths of Object.values(sliceData(value.netConfig)?.mentions ?? {})) for (const path of paths) secrets.add(path)
  return [...secrets].filter((secret) => secret.length > 0)
}

/** Where `secret` appears in `text` as a whole word (not inside a longer name or number). */
const appearsIn = (text: string, secret: string) =>
  new RegExp(`(?<![\\w.:-])${secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w:-]|\\.\\w)`, /^[0-9a-f:]+$/i.test(secret) ? 'i' : '').test(text)

describe('what --redact hides', () => {
  it.each(FIXTURES)('%s: no name, ID, sandbox, address or MAC of the host is left', (name) => {
    const original = fixture(name)
    const text = JSON.stringify(redactSnapshot(original))
    const left = secretsOf(original).filter((secret) => appearsIn(text, secret))
    expect(left).toEqual([])
    expect(JSON.parse(text).redacted).toBe(true)
  })

  it('hides network names, label keys, IDs, config paths and NetworkManager profiles', () => {
    const original = snapshot()
      .withHost({hostname: 'nas.example.org'})
      .withParent('eth0', {address: '192.168.1.2/24'})
      .withMacvlanNetwork({name: 'homelab', parent: 'eth0', labelKeys: ['com.acme.owner']})
      .withContainer('pihole', 'homelab', {ip: '192.168.1.10', sandboxKey: '/var/run/docker/netns/3926587a58a0'})
      .withNetConfig({mentions: {eth0: ['/etc/netplan/50-acme-office.yaml']}, networkManager: [{device: 'eth0', type: 'ethernet', state: 'connected', connection: 'ACME office'}]})
      .build()
    const text = JSON.stringify(redactSnapshot(original))
    for (const secret of ['nas.example.org', 'homelab', 'com.acme.owner', 'pihole', 'id-homelab', 'cid-pihole', '3926587a58a0', 'acme-office', 'ACME office']) expect(text, secret).not.toContain(secret)
    // What a reader needs to follow the report stays: the directory of a config file, interface names, prefix lengths.
    expect(text).toContain('/etc/netplan/')
    expect(text).toContain('"eth0"')
    expect(text).toContain('"prefixlen":24')
  })

  it('redacts free text (collection errors, firewall rules) without touching the words around the values', () => {
    const original = snapshot()
      .withParent('eth0', {address: '192.168.1.2/24'})
      .withMacvlanNetwork({name: 'lan', parent: 'eth0'})
      .withContainer('fail', 'lan', {ip: '192.168.1.10'})
      .withNetConfig({dockerUserRules: ['-A DOCKER-USER -s 192.168.1.10/32 -i eth0 -j DROP']})
      .build()
    original.containerViews = {error: {code: 'exec-failed', message: 'exec of nsenter for fail failed: 192.168.1.10 unreachable'}}
    const redaction = new Redaction(original)
    const redacted = redaction.snapshot(original)
    const container = redaction.text('fail')
    const address = redaction.address('192.168.1.10')
    expect(container).not.toBe('fail')
    expect(address).not.toBe('192.168.1.10')
    expect(redacted.containerViews).toEqual({error: {code: 'exec-failed', message: `exec of nsenter for ${container} failed: ${address} unreachable`}})
    expect(sliceData(redacted.netConfig)?.dockerUserRules).toEqual([`-A DOCKER-USER -s ${address}/32 -i eth0 -j DROP`])
  })
})

describe('names map consistently', () => {
  it('gives a network and the shims named after it the same token, also when the shim name is cut to fit 15 bytes', () => {
    const original = snapshot()
      .withParent('eth0', {address: '192.168.1.2/24'})
      .withMacvlanNetwork({name: 'lan', parent: 'eth0', ipRange: '192.168.1.192/27', aux: {shim: '192.168.1.223'}})
      .withMacvlanNetwork({name: 'homelab-network', parent: 'eth0', subnet: '192.168.1.0/24', ipRange: '192.168.1.160/27', aux: {shim: '192.168.1.191'}})
      .withParent('lan-shim', {kind: 'macvlan', parent: 'eth0', mode: 'bridge', mac: '02:00:00:00:00:01'})
      .withParent('homelab-ne-shim', {kind: 'macvlan', parent: 'eth0', mode: 'private', mac: '02:00:00:00:00:02'})
      .build()
    const redaction = new Redaction(original)
    const redacted = redaction.snapshot(original)
    const links = (sliceData(redacted.links) ?? []).map((link) => link.name)
    for (const l2 of l2NetworksOf(sliceData(redacted.networks) ?? [])) expect(links).toContain(shimName(l2))
    expect(links).toContain('eth0')
    expect(links.join(' ')).not.toMatch(/lan|homelab/)
    // The name this version gives the shim of a long network: four of its characters and a hash of it.
    expect(redaction.ifname(shimNameFor('homelab-network'))).toBe(redaction.ifname('homelab-ne-shim'))
    expect(judged(evaluateRules(RULES, redacted))).toEqual(judged(evaluateRules(RULES, original), (subject) => redaction.subject(subject)))
  })

  it('maps each name, ID and MAC to one token across the snapshot, and different ones to different tokens', () => {
    const original = fixture('duplicate-mac')
    const redaction = new Redaction(original)
    const names = (sliceData(original.containers) ?? []).map((container) => container.name)
    const tokens = names.map((name) => redaction.text(name))
    expect(new Set(tokens).size).toBe(new Set(names).size)
    expect(redaction.text(names[0] ?? '')).toBe(tokens[0])
    expect(redaction.mac('52:54:00:AB:CD:EF')).toBe(redaction.mac('52:54:00:ab:cd:ef').toUpperCase())
  })
})

describe('addresses keep the structure the rules read', () => {
  const redaction = new Redaction(
    snapshot()
      .withParent('eth0', {address: '192.168.1.2/24'})
      .withMacvlanNetwork({name: 'lan', parent: 'eth0', ipRange: '192.168.1.192/27'})
      .withAddress('eth0', 'fd00:1::2/64')
      .build(),
  )
  const subnetOf = (cidr: string) => parseCidr(cidr)?.toCidrString()

  it('maps a subnet to a subnet, keeping which addresses are in it and which are not', () => {
    const subnet = redaction.address('192.168.1.0/24')
    expect(subnetOf(subnet)).toBe(subnet)
    expect(subnet).not.toBe('192.168.1.0/24')
    for (const inside of ['192.168.1.1', '192.168.1.77', '192.168.1.254']) expect(subnetOf(`${redaction.address(inside)}/24`), inside).toBe(subnet)
    for (const outside of ['192.168.0.1', '192.168.2.1', '10.0.0.1']) expect(subnetOf(`${redaction.address(outside)}/24`), outside).not.toBe(subnet)
    const range = redaction.address('192.168.1.192/27')
    expect(subnetOf(range)).toBe(range)
    expect(subnetOf(`${redaction.address('192.168.1.200')}/27`)).toBe(range)
    expect(subnetOf(`${redaction.address('192.168.1.100')}/27`)).not.toBe(range)
  })

  it('keeps network and broadcast addresses of known subnets, and special addresses, what they are', () => {
    const [network, prefix] = redaction.address('192.168.1.0/24').split('/')
    expect(prefix).toBe('24')
    expect(redaction.address('192.168.1.255')).toBe(parseCidr(`${network}/24`)?.getLast().toString())
    for (const kept of ['0.0.0.0', '127.0.0.1', '255.255.255.255', '::', '::1']) expect(redaction.address(kept)).toBe(kept)
    expect(redaction.address('169.254.10.20')).toMatch(/^169\.254\./)
    expect(redaction.address('224.0.0.251')).toMatch(/^2(2[4-9]|3\d)\./)
    expect(redaction.address('fe80::1234:5678')).toMatch(/^fe80::/)
    expect(redaction.address('ff02::1')).toMatch(/^ff/)
  })

  it('maps IPv6 prefixes too, and never two addresses to one', () => {
    const subnet = redaction.address('fd00:1::/64')
    expect(subnet).toMatch(/::\/64$/)
    expect(subnetOf(`${redaction.address('fd00:1::abcd')}/64`)).toBe(subnetOf(subnet))
    expect(subnetOf(`${redaction.address('fd00:2::abcd')}/64`)).not.toBe(subnetOf(subnet))
    const many = Array.from({length: 512}, (_, index) => `10.${index >> 8}.${index & 255}.7`)
    expect(new Set(many.map((address) => redaction.address(address))).size).toBe(many.length)
  })

  it('maps MACs to MACs with the same multicast and locally administered bits, and Docker MACs after their address', () => {
    const bits = (mac: string) => Number.parseInt(mac.slice(0, 2), 16) & 3
    for (const mac of ['52:54:00:12:34:56', '00:50:56:aa:bb:cc', '33:33:00:00:00:01', '01:00:5e:00:00:fb']) {
      const mapped = redaction.mac(mac)
      expect(mapped).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/)
      expect(bits(mapped), mac).toBe(bits(mac))
    }
    expect(redaction.mac('52:54:00:12:34:56')).not.toBe('52:54:00:12:34:56')
    expect(redaction.mac('ff:ff:ff:ff:ff:ff')).toBe('ff:ff:ff:ff:ff:ff')
    const ip = redaction.address('192.168.1.10').split('.').map((octet) => Number(octet).toString(16).padStart(2, '0'))
    expect(redaction.mac('02:42:c0:a8:01:0a')).toBe(`02:42:${ip.join(':')}`)
  })
})
