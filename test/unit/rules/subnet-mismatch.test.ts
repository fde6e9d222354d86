import {describe, expect, it} from 'vitest'

import {subnetMismatch} from '../../../src/rules/subnet-mismatch.js'
import {fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

describe('subnet-mismatch', () => {
  it('warns on a subnet written with host bits and proposes the canonical one', () => {
    const [result] = judge(subnetMismatch, {links: [{name: 'eth0', address: '192.168.0.10/24'}], networks: [{name: 'lan', parent: 'eth0', subnet: '192.168.0.110/24', gateway: '192.168.0.1'}]})
    expect(result?.message).toContain('192.168.0.110/24 is written with host bits set (the network is 192.168.0.0/24)')
    expect(result?.fix?.commands.find((line) => line.startsWith('docker network create'))).toContain('--subnet=192.168.0.0/24')
  })

  it('warns when the network is not the LAN of its parent', () => {
    const [result] = judge(subnetMismatch, {links: [{name: 'eth0', address: '192.168.1.10/24'}], networks: [{name: 'lan', parent: 'eth0', subnet: '10.5.0.0/24', gateway: '10.5.0.1'}]})
    expect(result?.message).toContain('10.5.0.0/24 is not the LAN on eth0 (192.168.1.0/24)')
  })

  it('does not pass a parent without an address (nothing was compared), and passes the lab network', () => {
    expect(judge(subnetMismatch, {links: [{name: 'eth0'}], networks: [{name: 'lan', parent: 'eth0'}]})[0]).toMatchObject({
      outcome: 'skip',
      skipKind: 'not-applicable',
      message: 'Not compared: the host has no address on eth0 to compare the subnet with.',
    })
    expect(judge(subnetMismatch, fixture('healthy'))[0]?.outcome).toBe('pass')
  })
})
