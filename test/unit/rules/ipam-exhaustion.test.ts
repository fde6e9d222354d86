import {describe, expect, it} from 'vitest'

import {ipamExhaustion} from '../../../src/rules/ipam-exhaustion.js'
import {fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

describe('ipam-exhaustion', () => {
  it('counts the subnet edges, gateway and aux addresses as unavailable', () => {
    const [result] = judge(ipamExhaustion, fixture('healthy'))
    expect(result?.message).toBe('29 of 31 addresses in 192.168.77.192/27 are free.')
    expect(result?.evidence?.facts).toMatchObject({usable: 31, used: 2})
  })

  it('warns when a tenth or less is left, and fails when full', () => {
    const containers = (n: number) => Array.from({length: n}, (_, i) => ({name: `c${i}`, network: 'lan', ip: `192.168.1.${192 + i}`}))
    const network = [{name: 'lan', parent: 'eth0', ipRange: '192.168.1.192/29'}]
    expect(judge(ipamExhaustion, {networks: network, containers: containers(5)})[0]?.outcome).toBe('pass')
    expect(judge(ipamExhaustion, {networks: network, containers: containers(6)})[0]?.outcome).toBe('warn')
    expect(judge(ipamExhaustion, {networks: network, containers: containers(8)})[0]).toMatchObject({outcome: 'fail'})
    expect(judge(ipamExhaustion, {networks: network, containers: containers(8)})[0]?.message).toContain('no available addresses on this pool')
  })
})
