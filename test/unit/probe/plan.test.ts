import {describe, expect, it} from 'vitest'

import {HostModel, namespacePathOf} from '../../../src/model/host-model.js'
import {cidrContains} from '../../../src/model/ip.js'
import {planProbes} from '../../../src/probe/plan.js'
import {fixture} from '../../helpers/fixtures.js'
import {snapshotOf} from '../../helpers/examples.js'

describe('planProbes', () => {
  it('aims only at addresses inside the macvlan subnets, through their parent', () => {
    const plan = planProbes(new HostModel(fixture('healthy')))
    const targets = [...plan.icmp.map((probe) => probe.target), ...plan.scratch.flatMap((scratch) => [scratch.gateway ?? '', ...scratch.owners.map((owner) => owner.address)])]
    expect(targets.length).toBeGreaterThan(0)
    for (const target of targets) expect(cidrContains('192.168.77.0/24', target), target).toBe(true)
    expect(plan.scratch.map((scratch) => scratch.parent)).toEqual(['eth1'])
  })

  it('plans host→container, host→gateway and, per container, gateway, host addresses and one peer', () => {
    const plan = planProbes(new HostModel(fixture('healthy')))
    const count = (purpose: string) => plan.icmp.filter((probe) => probe.purpose === purpose).length
    expect([count('host-to-container'), count('host-to-gateway'), count('container-to-gateway'), count('container-to-host'), count('container-to-peer')]).toEqual([2, 1, 2, 4, 2])
    // Each container's probes leave from the namespace its view was collected in.
    const probe = plan.icmp.find((entry) => entry.purpose === 'container-to-gateway')
    const containers = fixture('healthy').containers
    const container = 'data' in containers ? containers.data.find((entry) => entry.name === probe?.container) : undefined
    if (!container) throw new Error('the fixture has no running container')
    expect(probe?.namespacePath).toBe(namespacePathOf(container))
  })

  it('pings the IPv6 gateway from each container of a dual-stack network, inside its IPv6 subnet, and nothing over IPv6 elsewhere', () => {
    const dualStack = planProbes(new HostModel(fixture('dual-stack'))).icmp.filter((probe) => probe.purpose === 'container-to-gateway6')
    expect(dualStack.map((probe) => [probe.container, probe.target])).toEqual([
      ['db', 'fd77::1'],
      ['web', 'fd77::1'],
    ])
    for (const probe of dualStack) expect(cidrContains('fd77::/64', probe.target)).toBe(true)
    expect(planProbes(new HostModel(fixture('healthy'))).icmp.filter((probe) => probe.purpose === 'container-to-gateway6')).toEqual([])
  })

  it('does not ping a container that holds the host own address (ip-conflict reports it)', () => {
    const plan = planProbes(new HostModel(fixture('no-ip-range')))
    expect(plan.icmp.filter((probe) => probe.purpose === 'host-to-container')).toEqual([])
  })

  it('sends nothing for networks whose parent is missing, nor from stopped containers', () => {
    const plan = planProbes(new HostModel(fixture('parent-missing')))
    expect(plan.icmp).toEqual([])
    expect(plan.scratch).toEqual([])
    const created = snapshotOf({links: [{name: 'eth0'}], networks: [{name: 'lan', parent: 'eth0'}], containers: [{name: 'web', network: 'lan', ip: '192.168.1.192', running: false, pid: 0}]})
    expect(planProbes(new HostModel(created)).icmp.map((probe) => probe.purpose)).toEqual(['host-to-gateway'])
  })

  describe('containers that are not running steadily', () => {
    // The builder's snapshots are collected at 2026-01-01T00:00:00Z.
    const host = (flapping: Record<string, unknown>) =>
      snapshotOf({
        links: [{name: 'eth0'}],
        networks: [{name: 'lan', parent: 'eth0'}],
        containers: [
          {name: 'web', network: 'lan', ip: '192.168.1.192', startedAt: '2025-12-31T00:00:00Z'},
          {name: 'db', network: 'lan', ip: '192.168.1.193', startedAt: '2025-12-31T00:00:00Z'},
          {name: 'flaky', network: 'lan', ip: '192.168.1.194', ...flapping},
        ],
      })

    it.each([
      ['restarting', {status: 'restarting', running: true, pid: 0, restartCount: 7}, /flaky is restarting \(restarted 7 times\)/],
      ['up for a second after a restart', {startedAt: '2025-12-31T23:59:59Z', restartCount: 3}, /flaky was restarted 3 times, the last 1 s before this run/],
      ['still starting by its health check', {startedAt: '2025-12-31T00:00:00Z', health: 'starting'}, /flaky is still starting \(health: starting\)/],
      ['paused', {status: 'paused', running: true, pid: 4242}, /flaky is paused/],
    ])('does not probe a container %s, nor from it, nor make it anyone\'s peer, and says why', (_what, flapping, reason) => {
      const plan = planProbes(new HostModel(host(flapping)))
      const involved = plan.icmp.filter((probe) => probe.container === 'flaky' || probe.target === '192.168.1.194')
      expect(involved).toEqual([])
      expect(plan.icmp.filter((probe) => probe.purpose === 'container-to-peer').map((probe) => [probe.container, probe.target])).toEqual([
        ['web', '192.168.1.193'],
        ['db', '192.168.1.192'],
      ])
      const skip = plan.skipped.find((candidate) => candidate.container === 'flaky')
      expect(skip?.reason).toMatch(reason)
      expect(skip?.purposes).toEqual(expect.arrayContaining(['host-to-container', 'container-to-gateway', 'container-to-peer']))
    })

    it('probes a container on its first run however recently it started: Docker wires its network before the process starts', () => {
      const plan = planProbes(new HostModel(host({startedAt: '2025-12-31T23:59:59Z', restartCount: 0})))
      expect(plan.icmp.some((probe) => probe.container === 'flaky')).toBe(true)
      expect(plan.skipped).toEqual([])
    })
  })
})
