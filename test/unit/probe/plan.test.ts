import {describe, expect, it} from 'vitest'

import {HostModel} from '../../../src/model/host-model.js'
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
    expect(plan.icmp.find((probe) => probe.purpose === 'container-to-gateway')?.namespacePath).toMatch(/netns/)
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
})
