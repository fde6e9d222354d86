import {describe, expect, it} from 'vitest'

import {macvlanMode} from '../../../src/rules/macvlan-mode.js'
import {fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

const twoOn = (mode: string) => judge(macvlanMode, {networks: [{name: 'lan', parent: 'eth0', mode}], containers: [{name: 'a', network: 'lan'}, {name: 'b', network: 'lan'}]})[0]

describe('macvlan-mode', () => {
  it('warns on vepa, fails passthru with two containers, and explains the mode', () => {
    expect(twoOn('vepa')).toMatchObject({outcome: 'warn'})
    expect(twoOn('vepa')?.message).toContain('hairpin')
    expect(twoOn('passthru')).toMatchObject({outcome: 'fail'})
  })

  it('lets a single container use any mode', () => {
    expect(judge(macvlanMode, {networks: [{name: 'lan', parent: 'eth0', mode: 'private'}], containers: [{name: 'a', network: 'lan'}]})[0]?.outcome).toBe('pass')
  })

  it('warns on the lab private-mode network and recreates it in bridge mode', () => {
    const [result] = judge(macvlanMode, fixture('private-mode'))
    expect(result?.outcome).toBe('warn')
    expect(result?.fix?.commands.find((line) => line.startsWith('docker network create'))).toBe('docker network create -d macvlan -o parent=eth1 --subnet=192.168.77.0/24 --gateway=192.168.77.1 --ip-range=192.168.77.192/27 --aux-address=shim=192.168.77.223 lan')
    expect(judge(macvlanMode, fixture('healthy'))[0]?.outcome).toBe('pass')
  })
})
