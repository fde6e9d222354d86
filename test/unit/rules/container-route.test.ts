import {describe, expect, it} from 'vitest'

import {containerRoute} from '../../../src/rules/container-route.js'
import {fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

const address = {ifname: 'eth0', family: 'inet' as const, local: '192.168.1.192', prefixlen: 24, scope: 'global'}

describe('container-route', () => {
  it('warns on two default routes fighting', () => {
    const [result] = judge(containerRoute, {
      networks: [{name: 'lan', parent: 'eth0'}],
      containers: [{name: 'web', network: 'lan', ip: '192.168.1.192'}],
      views: {web: {addresses: [address, {...address, ifname: 'eth1', local: '172.18.0.2', prefixlen: 16}], routes: [
        {table: 'main', type: 'unicast', dst: 'default', gateway: '172.18.0.1', dev: 'eth1'},
        {table: 'main', type: 'unicast', dst: 'default', gateway: '192.168.1.1', dev: 'eth0', metric: 10},
      ]}},
    })
    expect(result?.message).toContain('has 2 default routes')
  })

  it('warns on a gateway on none of its subnets', () => {
    const [result] = judge(containerRoute, {
      networks: [{name: 'lan', parent: 'eth0'}],
      containers: [{name: 'web', network: 'lan', ip: '192.168.1.192'}],
      views: {web: {addresses: [address], routes: [{table: 'main', type: 'unicast', dst: 'default', gateway: '10.0.0.1', dev: 'eth0'}]}},
    })
    expect(result?.message).toContain('via 10.0.0.1, which is on none of its subnets')
  })

  it('notices the lab container whose macvlan vanished with its parent', () => {
    const [result] = judge(containerRoute, fixture('parent-missing'))
    expect(result).toMatchObject({outcome: 'warn', subject: {network: 'lan2', container: 'orphan'}})
    expect(result?.message).toContain('has no interface holding its address')
  })

  it('passes the healthy lab containers', () => {
    expect(judge(containerRoute, fixture('healthy')).map((check) => check.outcome)).toEqual(['pass', 'pass'])
  })
})
