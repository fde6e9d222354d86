import {describe, expect, it} from 'vitest'

import {evaluateRules} from '../../../src/engine/evaluate.js'
import {parentDown} from '../../../src/rules/parent-down.js'
import {snapshot} from '../../helpers/builders.js'
import {engineFixture, fixture} from '../../helpers/fixtures.js'

const judge = (built: ReturnType<ReturnType<typeof snapshot>['build']>) => evaluateRules([parentDown], built)

describe('parent-down', () => {
  it('passes for a parent that is up with carrier, and for operstate UNKNOWN drivers', () => {
    expect(judge(snapshot().withParent('eth0').withMacvlanNetwork({name: 'lan', parent: 'eth0'}).build())[0]?.outcome).toBe('pass')
    expect(judge(snapshot().withParent('eth0', {operstate: 'UNKNOWN'}).withMacvlanNetwork({name: 'lan', parent: 'eth0'}).build())[0]?.outcome).toBe('pass')
  })

  it('fails an administratively down parent with `ip link set up`', () => {
    const built = snapshot().withParent('eth0', {flags: ['BROADCAST', 'MULTICAST'], operstate: 'DOWN'}).withMacvlanNetwork({name: 'lan', parent: 'eth0'}).withContainer('web', 'lan').build()
    const [result] = judge(built)
    expect(result?.outcome).toBe('fail')
    expect(result?.message).toBe('Parent eth0 is administratively down: all 1 container(s) on lan are cut off, even from each other.')
    expect(result?.fix?.commands).toEqual(['ip link set eth0 up'])
  })

  it('fails a parent without carrier and points at the cable, not at `ip link set up`', () => {
    const built = snapshot().withParent('eth0', {flags: ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP'], operstate: 'DOWN'}).withMacvlanNetwork({name: 'lan', parent: 'eth0'}).build()
    const [result] = judge(built)
    expect(result?.message).toContain('up but without carrier')
    expect(result?.fix?.commands).not.toContain('ip link set eth0 up')
  })

  it('blames the base link of a VLAN parent when that is what is down', () => {
    const built = snapshot()
      .withParent('eth0', {flags: ['BROADCAST', 'MULTICAST'], operstate: 'DOWN'})
      .withParent('eth0.100', {kind: 'vlan', parent: 'eth0', flags: ['BROADCAST', 'MULTICAST', 'UP'], operstate: 'LOWERLAYERDOWN'})
      .withMacvlanNetwork({name: 'iot', parent: 'eth0.100'})
      .build()
    const [result] = judge(built)
    expect(result?.message).toContain('because its lower link eth0 is administratively down')
    expect(result?.fix?.commands).toEqual(['ip link set eth0 up'])
  })

  it('leaves a missing parent to parent-missing', () => {
    expect(judge(snapshot().withMacvlanNetwork({name: 'lan', parent: 'eth7'}).build())[0]).toMatchObject({outcome: 'skip', skipKind: 'not-applicable'})
  })

  it('judges the lab hosts: admin down, no carrier, healthy', () => {
    expect(judge(fixture('parent-down'))[0]?.message).toContain('Parent eth1 is administratively down')
    expect(judge(fixture('parent-no-carrier'))[0]?.message).toContain('Parent eth1 is up but without carrier')
    expect(judge(fixture('healthy'))[0]?.outcome).toBe('pass')
  })

  it('on Engine 28.0.1 says the containers that were started meanwhile failed to start, and that 28.1 fixes it', () => {
    const [result] = judge(engineFixture('parent-down.docker-28.0.1'))
    expect(result?.outcome).toBe('fail')
    expect(result?.message).toBe(
      'Parent eth1 is administratively down: all 2 container(s) on lan are cut off, even from each other. Docker Engine 28.0.1 also refuses to start a container on a down parent ("failed to advertise addresses: … network is unreachable", moby#49593): web is not running.',
    )
    expect(result?.fix?.summary).toContain('or upgrade Docker to 28.1 or newer, which starts containers on a down parent')
  })

  it('does not blame the start failure of 28.0.1 on other engines (26.1 starts containers on a down parent)', () => {
    expect(judge(fixture('parent-down.docker-26.1'))[0]?.message).not.toContain('28.0.1')
  })
})
