import {describe, expect, it} from 'vitest'

import {gatewayMissing} from '../../../src/rules/gateway-missing.js'
import {fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

const withoutGateway = (apiVersion: string) => ({
  docker: {apiVersion},
  routes: [{dst: 'default', gateway: '192.168.1.254', dev: 'eth0'}],
  networks: [{name: 'lan', parent: 'eth0', gateway: ''}],
})

describe('gateway-missing', () => {
  it('warns that Engine 29 gives no default route without --gateway, and proposes the host router', () => {
    const [result] = judge(gatewayMissing, withoutGateway('1.52'))
    expect(result?.message).toContain('from Engine 29 (API 1.52) Docker then gives containers no default route')
    expect(result?.fix?.commands.at(-1)).toBe('docker network create -d macvlan -o parent=eth0 --subnet=192.168.1.0/24 --gateway=192.168.1.254 lan')
  })

  it('warns that older engines pick .1, which is not the router here', () => {
    expect(judge(gatewayMissing, withoutGateway('1.47'))[0]?.message).toContain('Docker picks 192.168.1.1, which is not necessarily your router (the host uses 192.168.1.254)')
  })

  it('skips internal networks and passes the lab network', () => {
    expect(judge(gatewayMissing, {networks: [{name: 'lan', parent: 'eth0', internal: true}]})[0]).toMatchObject({outcome: 'skip', skipKind: 'not-applicable'})
    expect(judge(gatewayMissing, fixture('healthy'))[0]?.outcome).toBe('pass')
  })
})
