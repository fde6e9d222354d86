import {describe, expect, it} from 'vitest'

import {parentShared} from '../../../src/rules/parent-shared.js'
import {engineFixture, fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

describe('parent-shared', () => {
  it('names the addresses two overlapping networks may both hand out', () => {
    const [result] = judge(parentShared, {networks: [{name: 'a', parent: 'eth0', ipRange: '192.168.1.192/27'}, {name: 'b', parent: 'eth0', ipRange: '192.168.1.128/25'}]})
    expect(result?.message).toBe('On eth0: a and b may both hand out 192.168.1.192-192.168.1.223: their IPAM does not know of each other.')
  })

  it('names every network that overlaps another, whatever their order', () => {
    const networks = [
      {name: 'late', parent: 'eth0', ipRange: '192.168.1.100/30'},
      {name: 'wide', parent: 'eth0', ipRange: '192.168.1.0/25'},
      {name: 'apart', parent: 'eth0', ipRange: '192.168.1.192/27'},
      {name: 'inner', parent: 'eth0', ipRange: '192.168.1.64/27'},
    ]
    const [result] = judge(parentShared, {networks})
    expect(result?.outcome).toBe('fail')
    expect(result?.message).toBe(
      'On eth0: wide and inner may both hand out 192.168.1.64-192.168.1.95: their IPAM does not know of each other; late and wide may both hand out 192.168.1.100-192.168.1.103: their IPAM does not know of each other.',
    )
  })

  it('fails macvlan and ipvlan on one parent', () => {
    const [result] = judge(parentShared, {networks: [{name: 'a', parent: 'eth0', ipRange: '192.168.1.192/27'}, {name: 'b', parent: 'eth0', driver: 'ipvlan', ipRange: '192.168.1.160/27'}]})
    expect(result?.message).toContain('mix macvlan and ipvlan')
  })

  it('has nothing to judge with one network per parent (the lab)', () => {
    expect(judge(parentShared, fixture('healthy'))[0]).toMatchObject({outcome: 'skip', skipKind: 'not-applicable'})
  })

  it('passes two separate networks on one parent on Engine 27.1, which allows it', () => {
    const [result] = judge(parentShared, engineFixture('shared-parent.docker-27.1'))
    expect(result).toMatchObject({outcome: 'pass', subject: {interface: 'eth1'}, message: '2 networks share eth1 without overlapping (allowed from Docker Engine 27.1).'})
  })

  it('fails the same two networks on Engine 26.1, whose driver takes one macvlan network per parent', () => {
    const [result] = judge(parentShared, engineFixture('shared-parent.docker-26.1'))
    expect(result?.outcome).toBe('fail')
    expect(result?.message).toBe(
      'On eth1: lan and lan2 are macvlan networks on one parent, which Docker Engine 26.1.5+dfsg1 refuses before 27.1 ("network dm-… is already using parent interface eth1"): only one of them works, and containers on the other cannot start.',
    )
    expect(result?.fix?.summary).toContain('upgrade Docker to 27.1 or newer')
  })
})
