import {describe, expect, it} from 'vitest'

import {evaluateRules} from '../../../src/engine/evaluate.js'
import {shimIncomplete} from '../../../src/rules/shim-incomplete.js'
import type {Snapshot} from '../../../src/snapshot/types.js'
import {snapshot} from '../../helpers/builders.js'
import {fixture} from '../../helpers/fixtures.js'

const judge = (built: Snapshot) => evaluateRules([shimIncomplete], built)
const withShim = (shim: Parameters<ReturnType<typeof snapshot>['withParent']>[1], network: {ipRange?: string; aux?: Record<string, string>} = {ipRange: '192.168.1.192/27', aux: {shim: '192.168.1.223'}}) =>
  snapshot()
    .withParent('eth0', {address: '192.168.1.10/24'})
    .withRoute({dst: '192.168.1.0/24', dev: 'eth0'})
    .withParent('lan-shim', {kind: 'macvlan', mode: 'bridge', parent: 'eth0', ...shim})
    .withMacvlanNetwork({name: 'lan', parent: 'eth0', ...network})
    .withContainer('web', 'lan', {ip: '192.168.1.192'})

describe('shim-incomplete', () => {
  it('passes a shim that is up, bridged, addressed and routed', () => {
    const built = withShim({address: '192.168.1.223/32'}).withRoute({dst: '192.168.1.192/27', dev: 'lan-shim'}).build()
    expect(judge(built)[0]?.outcome).toBe('pass')
  })

  it('lists every problem of a half-done shim with one fix each', () => {
    const built = withShim({flags: ['BROADCAST', 'MULTICAST'], operstate: 'DOWN', mode: 'private'}).build()
    const [result] = judge(built)
    expect(result?.outcome).toBe('fail')
    expect(result?.message).toBe(
      'Shim lan-shim is down; is in private mode, and only bridge mode passes frames to sibling macvlans; has no IPv4 address; is not the route to 192.168.1.192: the host still cannot reach the containers on lan.',
    )
    expect(result?.fix?.commands).toEqual([
      'ip link set lan-shim up',
      'ip link del lan-shim',
      'ip link add lan-shim link eth0 type macvlan mode bridge',
      'ip addr add 192.168.1.223/32 dev lan-shim',
      'ip route add 192.168.1.192/27 dev lan-shim',
    ])
  })

  it('warns, and does not say the host cannot reach the containers, about a working shim whose address Docker may hand out', () => {
    const built = withShim({address: '192.168.1.200/32'}, {ipRange: '192.168.1.192/27'}).withRoute({dst: '192.168.1.192/27', dev: 'lan-shim'}).build()
    const [result] = judge(built)
    expect(result?.outcome).toBe('warn')
    expect(result?.message).toBe('Shim lan-shim carries the host\'s traffic to the containers on lan, but uses 192.168.1.200, which Docker may give to a future container (it is in 192.168.1.192/27 and not reserved).')
    expect(result?.fix?.actions).toBeUndefined()
    expect(result?.fix?.commands.find((line) => line.startsWith('docker network create'))).toBe('docker network create -d macvlan -o parent=eth0 --subnet=192.168.1.0/24 --gateway=192.168.1.1 --ip-range=192.168.1.192/27 --aux-address=shim=192.168.1.200 lan')
  })

  it('passes a shim outside Docker\'s range: Docker never hands that address out', () => {
    const built = withShim({address: '192.168.1.254/32'}, {ipRange: '192.168.1.192/27'}).withRoute({dst: '192.168.1.192/27', dev: 'lan-shim'}).build()
    expect(judge(built)[0]?.outcome).toBe('pass')
  })

  describe('a second shim beside a working one', () => {
    const twoShims = () =>
      withShim({address: '192.168.1.223/32'})
        .withRoute({dst: '192.168.1.192/27', dev: 'lan-shim'})
        .withParent('lan-shim2', {kind: 'macvlan', mode: 'bridge', parent: 'eth0', address: '192.168.1.253/32'})
        .build()

    it('is a warning that says why, not a broken shim, and the fix adds no route that exists', () => {
      const results = judge(twoShims())
      expect(results.map((result) => [result.subject.interface, result.outcome])).toEqual([
        ['lan-shim', 'pass'],
        ['lan-shim2', 'warn'],
      ])
      expect(results[1]?.message).toContain('is redundant: the host already reaches 192.168.1.192 through the shim lan-shim')
      expect(results[1]?.fix?.actions).toBeUndefined()
      expect(results[1]?.fix?.commands).toEqual(['ip link del lan-shim2'])
    })
  })

  it('never plans a route that already exists through another link: adding it would fail with "File exists"', () => {
    const built = withShim({address: '192.168.1.223/32'}).withRoute({dst: '192.168.1.192/27', dev: 'eth0'}).build()
    const [result] = judge(built)
    expect(result?.outcome).toBe('fail')
    expect(result?.fix?.commands).toEqual(['ip route replace 192.168.1.192/27 dev lan-shim'])
    expect(result?.fix?.actions).toBeUndefined()
  })

  it('ignores macvlans that are not shims (no address, no route, no shim-like name)', () => {
    const built = snapshot().withParent('eth0').withParent('sprawl0', {kind: 'macvlan', mode: 'bridge', parent: 'eth0'}).withMacvlanNetwork({name: 'lan', parent: 'eth0'}).build()
    expect(judge(built)[0]).toMatchObject({outcome: 'skip', skipKind: 'not-applicable'})
  })

  it('fails the lab shim that lost its route and passes the healthy one', () => {
    const [missing] = judge(fixture('shim-without-route'))
    expect(missing?.outcome).toBe('fail')
    expect(missing?.fix?.commands).toEqual(['ip route add 192.168.77.192/27 dev lan-shim'])
    expect(judge(fixture('healthy'))[0]?.outcome).toBe('pass')
    expect(judge(fixture('mac-sprawl')).map((result) => result.subject.interface)).toEqual(['lan-shim'])
  })
})
