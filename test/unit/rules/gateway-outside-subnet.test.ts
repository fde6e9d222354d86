import {describe, expect, it} from 'vitest'

import {gatewayOutsideSubnet} from '../../../src/rules/gateway-outside-subnet.js'
import {fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

describe('gateway-outside-subnet', () => {
  it('fails a gateway on another subnet (what a config-only template can carry)', () => {
    const [result] = judge(gatewayOutsideSubnet, {networks: [{name: 'lan', parent: 'eth0', subnet: '10.0.0.0/24', gateway: '10.0.1.1'}]})
    expect(result?.message).toBe('Gateway 10.0.1.1 is outside the subnet 10.0.0.0/24: containers cannot ARP for it, so they have no way off the subnet.')
  })

  it('passes the lab network', () => {
    expect(judge(gatewayOutsideSubnet, fixture('healthy'))[0]?.outcome).toBe('pass')
  })
})
