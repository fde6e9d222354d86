import {describe, expect, it} from 'vitest'

import {evaluateRules} from '../../../src/engine/evaluate.js'
import {DEFAULT_SETTINGS} from '../../../src/engine/types.js'
import {hostIsolation} from '../../../src/rules/host-isolation.js'
import type {Snapshot} from '../../../src/snapshot/types.js'
import {snapshot} from '../../helpers/builders.js'
import {fixture} from '../../helpers/fixtures.js'

const judge = (built: Snapshot) => evaluateRules([hostIsolation], built)
const lan = () =>
  snapshot()
    .withParent('eth0', {address: '192.168.1.10/24'})
    .withRoute({dst: '192.168.1.0/24', dev: 'eth0'})
    .withRoute({dst: 'default', gateway: '192.168.1.1', dev: 'eth0'})

describe('host-isolation', () => {
  it('warns when container traffic leaves through the parent, and proposes a shim on the aux address and range', () => {
    const built = lan().withMacvlanNetwork({name: 'lan', parent: 'eth0', ipRange: '192.168.1.192/27', aux: {host: '192.168.1.223'}}).withContainer('web', 'lan', {ip: '192.168.1.192'}).build()
    const [result] = judge(built)
    expect(result?.outcome).toBe('warn')
    expect(result?.message).toContain('The host cannot reach web')
    expect(result?.fix?.commands).toEqual([
      'ip link add lan-shim link eth0 type macvlan mode bridge',
      'ip addr add 192.168.1.223/32 dev lan-shim',
      'ip link set lan-shim up',
      'ip route add 192.168.1.192/27 dev lan-shim',
    ])
  })

  it('without aux address or range, picks the highest free address, routes only container /32s, and reserves the address', () => {
    const built = lan().withMacvlanNetwork({name: 'lan', parent: 'eth0'}).withContainer('web', 'lan', {ip: '192.168.1.2'}).build()
    const commands = judge(built)[0]?.fix?.commands ?? []
    expect(commands).toContain('ip addr add 192.168.1.254/32 dev lan-shim')
    expect(commands).toContain('ip route add 192.168.1.2/32 dev lan-shim')
    expect(commands).not.toContain('ip route add 192.168.1.0/24 dev lan-shim')
    expect(commands.find((line) => line.startsWith('docker network create'))).toBe('docker network create -d macvlan -o parent=eth0 --subnet=192.168.1.0/24 --gateway=192.168.1.1 --aux-address=shim=192.168.1.254 lan')
  })

  it('does not propose a second shim when one exists but does not route', () => {
    const built = lan()
      .withParent('mac0', {kind: 'macvlan', mode: 'bridge', parent: 'eth0'})
      .withMacvlanNetwork({name: 'lan', parent: 'eth0', ipRange: '192.168.1.192/27'})
      .withContainer('web', 'lan', {ip: '192.168.1.192'})
      .build()
    const [result] = judge(built)
    expect(result?.outcome).toBe('warn')
    expect(result?.message).toContain('The shim mac0 does not carry that traffic.')
    expect(result?.fix).toBeUndefined()
  })

  it('passes when another interface, not the parent, reaches the containers', () => {
    const built = snapshot()
      .withParent('eth0')
      .withParent('eth1', {address: '10.0.0.5/24'})
      .withRoute({dst: 'default', gateway: '10.0.0.1', dev: 'eth1'})
      .withMacvlanNetwork({name: 'lan', parent: 'eth0'})
      .withContainer('web', 'lan', {ip: '192.168.1.192'})
      .build()
    expect(judge(built)[0]).toMatchObject({outcome: 'pass', message: "The host's route to its containers leaves through eth1, not through their parent."})
  })

  it('has nothing to judge before containers have addresses', () => {
    expect(judge(lan().withMacvlanNetwork({name: 'lan', parent: 'eth0'}).build())[0]).toMatchObject({outcome: 'skip', skipKind: 'not-applicable'})
  })

  it('warns on the lab host without shim and passes on the healthy one', () => {
    expect(judge(fixture('host-isolation'))[0]?.outcome).toBe('warn')
    expect(judge(fixture('healthy'))[0]).toMatchObject({outcome: 'pass', message: "The host's route to its containers goes through the shim lan-shim."})
  })

  describe('with the parent down', () => {
    const parentDownNoShim = () =>
      snapshot()
        .withParent('eth1', {flags: ['BROADCAST', 'MULTICAST'], operstate: 'DOWN'})
        .withMacvlanNetwork({name: 'lan', parent: 'eth1', ipRange: '192.168.1.192/27'})
        .withContainer('web', 'lan', {ip: '192.168.1.192'})
        .withContainer('db', 'lan', {ip: '192.168.1.193'})
        .build()
    const unanswered = {
      startedAt: 'now',
      durationMs: 1,
      timeoutMs: 1000,
      icmpEngine: 'ping' as const,
      skipped: [],
      records: ['web', 'db'].map((container, index) => ({purpose: 'host-to-container' as const, kind: 'icmp' as const, from: {namespace: 'host'}, target: `192.168.1.19${2 + index}`, network: 'lan', container, outcome: 'no-reply' as const, l2: 'unresolved' as const, command: 'ping'})),
    }

    it('and no shim: says there is no route because the parent is down, not that "the routes point at a path"', () => {
      const [result] = evaluateRules([hostIsolation], parentDownNoShim(), DEFAULT_SETTINGS, unanswered)
      expect(result?.outcome).toBe('warn')
      expect(result?.message).toMatch(/^The host has no route to web, db at all: their parent eth1 is administratively down, and its routes went down with it\. Add a macvlan shim on the host\./)
      expect(result?.message).not.toMatch(/routes point at a path|shim-incomplete|another interface/)
    })

    it('with a shim: says where the routes go, and claims no reach it has not seen', () => {
      const [result] = judge(fixture('parent-down'))
      expect(result?.message).toBe("The host's route to its containers goes through the shim lan-shim.")
    })
  })
})
