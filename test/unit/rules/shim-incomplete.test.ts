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

  it('fails a shim whose address Docker may hand out, and reserves it', () => {
    const built = withShim({address: '192.168.1.200/32'}, {ipRange: '192.168.1.192/27'}).withRoute({dst: '192.168.1.192/27', dev: 'lan-shim'}).build()
    const [result] = judge(built)
    expect(result?.message).toContain('uses 192.168.1.200, which Docker may give to a container')
    expect(result?.fix?.commands.at(-1)).toBe('docker network create -d macvlan -o parent=eth0 --subnet=192.168.1.0/24 --gateway=192.168.1.1 --ip-range=192.168.1.192/27 --aux-address=shim=192.168.1.200 lan')
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
