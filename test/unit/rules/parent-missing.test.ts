import {describe, expect, it} from 'vitest'

import {evaluateRules} from '../../../src/engine/evaluate.js'
import {parentMissing} from '../../../src/rules/parent-missing.js'
import {snapshot} from '../../helpers/builders.js'
import {fixture} from '../../helpers/fixtures.js'

const judge = (built: ReturnType<ReturnType<typeof snapshot>['build']>) => evaluateRules([parentMissing], built)

describe('parent-missing', () => {
  it('passes when the parent exists', () => {
    const [result] = judge(snapshot().withParent('eth0').withMacvlanNetwork({name: 'lan', parent: 'eth0'}).build())
    expect(result).toMatchObject({outcome: 'pass', subject: {network: 'lan', interface: 'eth0'}})
  })

  it('fails for a renamed NIC and recreates the network on the NIC with the default route', () => {
    const built = snapshot()
      .withParent('enp3s0')
      .withRoute({dst: 'default', gateway: '192.168.1.1', dev: 'enp3s0'})
      .withMacvlanNetwork({name: 'lan', parent: 'eth0', ipRange: '192.168.1.192/27', aux: {host: '192.168.1.223'}})
      .withContainer('pihole', 'lan')
      .build()
    const [result] = judge(built)
    expect(result?.outcome).toBe('fail')
    expect(result?.message).toContain('Parent eth0 does not exist')
    expect(result?.fix?.commands.filter((line) => line.startsWith('docker'))).toEqual([
      'docker stop pihole',
      'docker network disconnect lan pihole',
      'docker network rm lan',
      'docker network create -d macvlan -o parent=enp3s0 --subnet=192.168.1.0/24 --gateway=192.168.1.1 --ip-range=192.168.1.192/27 --aux-address=host=192.168.1.223 lan',
      'docker network connect lan pihole',
      'docker start pihole',
    ])
  })

  it('tells a missing VLAN sub-interface apart from a missing base NIC', () => {
    const baseThere = judge(snapshot().withParent('eth0').withMacvlanNetwork({name: 'iot', parent: 'eth0.100'}).build())[0]
    expect(baseThere?.message).toContain('VLAN sub-interface eth0.100 is gone (its base eth0 exists)')
    expect(baseThere?.fix?.commands).toContain('ip link add link eth0 name eth0.100 type vlan id 100')
    const baseGone = judge(snapshot().withParent('enp1s0').withMacvlanNetwork({name: 'iot', parent: 'eth0.100'}).build())[0]
    expect(baseGone?.message).toContain('Neither the VLAN sub-interface eth0.100 nor its base eth0 exists')
  })

  it('does not judge a network without a parent (Docker uses an internal dummy link)', () => {
    const [result] = judge(snapshot().withMacvlanNetwork({name: 'internal'}).build())
    expect(result).toMatchObject({outcome: 'skip', skipKind: 'not-applicable'})
  })

  it('takes the parent from the config-only network of a swarm network', () => {
    const built = snapshot()
      .withParent('eth0')
      .withMacvlanNetwork({name: 'lan-config', parent: 'eth9', configOnly: true})
      .withMacvlanNetwork({name: 'swarm-lan', configFrom: 'lan-config', scope: 'swarm'})
      .build()
    const results = judge(built)
    expect(results).toHaveLength(1)
    expect(results[0]).toMatchObject({outcome: 'fail', subject: {network: 'swarm-lan', interface: 'eth9'}})
  })

  it('fails on the lab host whose parent eth2 was removed, and passes on the healthy one', () => {
    const [missing] = judge(fixture('parent-missing'))
    expect(missing).toMatchObject({outcome: 'fail', subject: {network: 'lan2', interface: 'eth2'}})
    expect(missing?.fix?.commands.find((line) => line.startsWith('docker network create'))).toBe('docker network create -d macvlan -o parent=eth1 --subnet=192.168.78.0/24 --gateway=192.168.78.1 lan2')
    expect(judge(fixture('healthy')).map((result) => result.outcome)).toEqual(['pass'])
  })
})
