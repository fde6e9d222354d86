/** Each fleet check, pass and fail, over two-host fleets derived from the lab bundles (test/helpers/fleet.ts). */
import {describe, expect, it} from 'vitest'

import type {CheckResult} from '../../../src/engine/types.js'
import {fleetReport} from '../../../src/fleet/report.js'
import {redactSnapshot} from '../../../src/pipeline.js'
import {bundleFixture} from '../../helpers/fixtures.js'
import {derivedBundle, fleetHost, SECOND_HOST, shimMacOf, type HostChanges} from '../../helpers/fleet.js'

const CONTEXT = {tool: {name: 'macvlan-doctor', version: 'test'}, command: ['macvlan', 'fleet'], generatedAt: '2026-01-01T00:00:00.000Z'}

/** The lab's healthy host ("vm") beside another host derived from lab bundle `fixture`. */
function fleetWith(changes: HostChanges, fixture = 'healthy') {
  return fleetReport([fleetHost(bundleFixture('healthy')), fleetHost(derivedBundle(fixture, changes))], CONTEXT)
}

const checksOf = (report: ReturnType<typeof fleetReport>, id: string): CheckResult[] => report.checks.filter((check) => check.id === id)
const only = (report: ReturnType<typeof fleetReport>, id: string): CheckResult => {
  const [check, ...more] = checksOf(report, id)
  expect(more).toEqual([])
  return check as CheckResult
}

/** The LAN gateway's MAC in a lab capture, read from it: each recapture gives it a new one. */
const gatewayMacOf = (fixture: string) => bundleFixture(fixture).probes.records.find((record) => record.purpose === 'mac-filter-host')?.replies?.[0]?.mac as string
const GATEWAY_MAC = gatewayMacOf('healthy')

/** SECOND_HOST with a range of its own (.160/27), its containers, their MACs and its shim moved into it. */
const SEPARATE = {
  hostname: 'dockerhost2',
  replace: {...SECOND_HOST, '192.168.77.192': '192.168.77.160', '192.168.77.193': '192.168.77.161', '02:42:c0:a8:4d:c0': '02:42:c0:a8:4d:a0', '02:42:c0:a8:4d:c1': '02:42:c0:a8:4d:a1', '192.168.77.223': '192.168.77.191', '192.168.77.192/27': '192.168.77.160/27'},
}

describe('a clean two-host fleet on one LAN', () => {
  const report = fleetWith(SEPARATE)

  it('passes every check, naming both hosts', () => {
    expect(report.checks.map((check) => [check.id, check.outcome])).toEqual([
      ['fleet-range-overlap', 'pass'],
      ['fleet-address-twice', 'pass'],
      ['fleet-mac-twice', 'pass'],
      ['fleet-reserved-held', 'pass'],
      ['fleet-dhcp-view', 'pass'],
      ['fleet-network-drift', 'pass'],
    ])
    for (const check of report.checks) expect(check.subject).toEqual({network: 'lan', hosts: ['vm', 'dockerhost2']})
    expect(report.status).toBe('ok')
    expect(report.fleet?.hosts.map((host) => [host.name, host.kind])).toEqual([['vm', 'bundle'], ['dockerhost2', 'bundle']])
  })

  it('says the LAN is shared by the gateway MAC both hosts saw answer ARP', () => {
    expect(only(report, 'fleet-range-overlap').evidence?.facts.sameLan).toBe(`same subnet 192.168.77.0/24 and the same gateway 192.168.77.1 at MAC ${GATEWAY_MAC} (vm's ARP to it from eth1; dockerhost2's ARP to it from eth1)`)
  })
})

describe('fleet-range-overlap', () => {
  it('fails two hosts with the same --ip-range on one LAN, and offers a range clear of both', () => {
    const check = only(fleetWith({hostname: 'dockerhost2', replace: SECOND_HOST}), 'fleet-range-overlap')
    expect(check.outcome).toBe('fail')
    expect(check.message).toMatch(/^vm's network lan \(192\.168\.77\.192\/27\) and dockerhost2's network lan \(192\.168\.77\.192\/27\) may both hand out 192\.168\.77\.192-192\.168\.77\.223 on one LAN \(same subnet/)
    expect(check.fix?.commands.find((command) => command.startsWith('docker network create'))).toBe('docker network create -d macvlan -o parent=eth1 --subnet=192.168.77.0/24 --gateway=192.168.77.1 --ip-range=192.168.77.224/27 --aux-address=shim=192.168.77.223 lan    # on dockerhost2')
  })

  it('does not compare networks whose gateways answer from different MACs: two LANs that reuse a subnet', () => {
    const report = fleetWith({hostname: 'elsewhere', replace: {...SECOND_HOST, [GATEWAY_MAC]: '36:d5:e9:75:a1:99'}})
    expect(only(report, 'fleet-range-overlap')).toMatchObject({outcome: 'skip', skipKind: 'not-applicable'})
    expect(report.status).toBe('ok')
  })

  it('falls back to the gateway address when one host never saw its MAC, and says the router is assumed', () => {
    const check = only(fleetWith({hostname: 'dockerhost2', replace: SECOND_HOST, snapshotOnly: true}), 'fleet-range-overlap')
    expect(check.outcome).toBe('fail')
    expect(check.evidence?.facts.sameLan).toBe(`same subnet 192.168.77.0/24 and the same gateway address 192.168.77.1 (its MAC was not seen from dockerhost2; vm's ARP to it from eth1: ${GATEWAY_MAC}: the same router is assumed, not proven)`)
  })
})

describe('fleet-address-twice and fleet-mac-twice', () => {
  it('fail addresses and MACs held on both hosts, as consequences of the overlapping ranges', () => {
    const report = fleetWith({hostname: 'dockerhost2', replace: SECOND_HOST})
    const twice = only(report, 'fleet-address-twice')
    expect(twice.outcome).toBe('fail')
    expect(twice.message).toContain('192.168.77.192 is held by container web on vm (network lan) and by container web on dockerhost2 (network lan)')
    expect(twice.causedBy).toEqual([{id: 'fleet-range-overlap', subject: {network: 'lan', hosts: ['vm', 'dockerhost2']}}])
    const macs = only(report, 'fleet-mac-twice')
    expect(macs.message).toContain('02:42:c0:a8:4d:c0 is used by container web on vm (network lan) and by container web on dockerhost2 (network lan)')
    expect(macs.causedBy?.map((ref) => ref.id)).toEqual(['fleet-range-overlap'])
    expect(report.problems).toBe(1)
  })

  it('fails a MAC pinned on two hosts whose addresses differ, as a problem of its own', () => {
    const report = fleetWith({...SEPARATE, replace: {...SEPARATE.replace, '02:42:c0:a8:4d:a0': '02:42:c0:a8:4d:c0'}})
    expect(only(report, 'fleet-address-twice').outcome).toBe('pass')
    const macs = only(report, 'fleet-mac-twice')
    expect(macs.outcome).toBe('fail')
    expect(macs.message).toMatch(/^02:42:c0:a8:4d:c0 is used by container web on vm \(network lan\) and by container web on dockerhost2 \(network lan\)/)
    expect(macs.causedBy).toBeUndefined()
  })
})

describe('fleet-reserved-held', () => {
  it("fails another host's shim address inside this host's range", () => {
    const check = only(fleetWith({...SEPARATE, replace: {...SEPARATE.replace, '192.168.77.191': '192.168.77.200'}}), 'fleet-reserved-held')
    expect(check.outcome).toBe('fail')
    expect(check.message).toMatch(/^192\.168\.77\.200, shim lan-shim on dockerhost2 \(network lan\), is inside vm's range 192\.168\.77\.192\/27, which does not reserve it/)
    expect(check.causedBy).toBeUndefined()
  })

  it("fails an address reserved on one host and held by the other's container", () => {
    const check = only(fleetWith({...SEPARATE, replace: {...SEPARATE.replace, '192.168.77.161': '192.168.77.223'}}), 'fleet-reserved-held')
    expect(check.message).toContain('192.168.77.223, shim lan-shim on vm (network lan), is held by container db on dockerhost2 (network lan)')
  })
})

describe('fleet-dhcp-view', () => {
  const rogueGateway = bundleFixture('second-dhcp-server').probes.records.find((record) => record.purpose === 'mac-filter-host')?.replies?.[0]?.mac as string

  it('warns when one host sees a DHCP server the other does not', () => {
    const check = only(fleetWith({...SEPARATE, replace: {...SEPARATE.replace, [rogueGateway]: GATEWAY_MAC, [shimMacOf('second-dhcp-server')]: 'ca:74:39:4a:b3:a8'}}, 'second-dhcp-server'), 'fleet-dhcp-view')
    expect(check.outcome).toBe('warn')
    expect(check.message).toMatch(/^The hosts see the LAN's DHCP differently: vm sees 192\.168\.77\.1, dockerhost2 sees 192\.168\.77\.1, 192\.168\.77\.250/)
  })

  it('does not apply when a host saved a snapshot without probes, says why, and leaves the status to the other checks', () => {
    const report = fleetWith({...SEPARATE, snapshotOnly: true})
    const check = only(report, 'fleet-dhcp-view')
    expect(check).toMatchObject({outcome: 'skip', skipKind: 'not-applicable'})
    expect(check.message).toBe('Not compared: dockerhost2.json is a snapshot, without the probes a bundle (`macvlan doctor --save`) keeps.')
    expect(report.status).not.toBe('unknown')
  })
})

describe('fleet-network-drift', () => {
  it('warns one network name with different settings on two hosts, whatever LAN they are on', () => {
    const report = fleetWith({hostname: 'branch', ipam: {lan: {subnet: '10.7.0.0/24', gateway: '10.7.0.1', ipRange: '10.7.0.128/25'}}})
    const check = only(report, 'fleet-network-drift')
    expect(check).toMatchObject({outcome: 'warn', subject: {network: 'lan', hosts: ['vm', 'branch']}})
    expect(check.message).toBe('Network lan differs between hosts: IPv4 subnet 192.168.77.0/24 via 192.168.77.1 on vm but 10.7.0.0/24 via 10.7.0.1 on branch. A Compose file or a script that names it gets a different network on each host.')
    expect(report.status).toBe('warn')
  })
})

describe('redacted bundles', () => {
  it('are not compared: each check says what redaction keeps it from comparing, and the fleet is not judged ok', () => {
    const redacted = redactSnapshot(derivedBundle('healthy', {hostname: 'dockerhost2', replace: SECOND_HOST, snapshotOnly: true}) as ReturnType<typeof redactSnapshot>)
    const report = fleetReport([fleetHost(bundleFixture('healthy')), fleetHost(redacted, 'b.json')], CONTEXT)
    const overlap = only(report, 'fleet-range-overlap')
    expect(overlap).toMatchObject({outcome: 'skip', skipKind: 'missing-data', subject: {hosts: ['b.json']}})
    expect(overlap.message).toBe('Not compared: b.json is redacted, so its subnets, gateways and ranges are pseudonyms drawn with a key of that file alone and match nothing in another file. Compare bundles saved without --redact.')
    expect(only(report, 'fleet-mac-twice').message).toContain('so its MACs are pseudonyms')
    expect(report.status).toBe('unknown')
  })
})
