import {describe, expect, it} from 'vitest'

import {gatewayMissing} from '../../../src/rules/gateway-missing.js'
import {evaluateRules} from '../../../src/engine/evaluate.js'
import {RULES} from '../../../src/rules/index.js'
import {engineFixture, fixture} from '../../helpers/fixtures.js'
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
    expect(result?.fix?.commands.find((line) => line.startsWith('docker network create'))).toBe('docker network create -d macvlan -o parent=eth0 --subnet=192.168.1.0/24 --gateway=192.168.1.254 lan')
  })

  it('on an Engine 29 host created without --gateway, names the missing route and DNS, and explains the containers without a default route', () => {
    const checks = evaluateRules(RULES, engineFixture('no-gateway.docker-29.0'))
    const missing = checks.find((check) => check.id === 'gateway-missing')
    expect(missing).toMatchObject({outcome: 'warn', subject: {network: 'lan'}})
    expect(missing?.message).toBe(
      'No --gateway on 192.168.77.0/24: from Engine 29 (API 1.52) Docker then gives containers no default route, so they reach nothing off the subnet, external DNS names included (Docker\'s resolver asks the upstream servers from inside the container).',
    )
    const routes = checks.filter((check) => check.id === 'container-route')
    expect(routes.map((check) => [check.subject.container, check.outcome, check.causedBy])).toEqual([
      ['db', 'warn', [{id: 'gateway-missing', subject: {network: 'lan'}}]],
      ['web', 'warn', [{id: 'gateway-missing', subject: {network: 'lan'}}]],
    ])
  })

  it('warns that older engines pick .1, which is not the router here', () => {
    expect(judge(gatewayMissing, withoutGateway('1.47'))[0]?.message).toContain('Docker picks 192.168.1.1, which is not necessarily your router (the host uses 192.168.1.254)')
  })

  it('skips internal networks and passes the lab network', () => {
    expect(judge(gatewayMissing, {networks: [{name: 'lan', parent: 'eth0', internal: true}]})[0]).toMatchObject({outcome: 'skip', skipKind: 'not-applicable'})
    expect(judge(gatewayMissing, fixture('healthy'))[0]?.outcome).toBe('pass')
  })

  const arp = (outcome: 'reply' | 'no-reply' | 'error', target = '192.168.1.1') => ({
    purpose: 'mac-filter-host' as const,
    kind: 'arp' as const,
    parent: 'eth0',
    target,
    outcome,
    replies: outcome === 'reply' ? [{mac: '02:00:00:00:00:01'}] : [],
  })
  const lan = {routes: [{dst: 'default', gateway: '192.168.1.1', dev: 'eth0'}], networks: [{name: 'lan', parent: 'eth0'}]}

  it('fails when nothing answers ARP for the gateway on the parent, and says so', () => {
    const [result] = judge(gatewayMissing, {...lan, probes: [arp('no-reply')]})
    expect(result).toMatchObject({outcome: 'fail', symptoms: ['gateway-silent']})
    expect(result?.message).toBe("Nothing answers at the gateway 192.168.1.1: the host's ARP for it on eth0 got no reply, so containers on lan reach nothing off their subnet.")
  })

  it('does not call a gateway silent that answered the host\'s ping or its kernel\'s ARP', () => {
    const ping = {purpose: 'host-to-gateway' as const, network: 'lan', target: '192.168.1.1'}
    expect(judge(gatewayMissing, {...lan, probes: [arp('no-reply'), {...ping, outcome: 'reply'}]})[0]?.outcome).toBe('pass')
    expect(judge(gatewayMissing, {...lan, probes: [arp('no-reply'), {...ping, outcome: 'no-reply', l2: 'resolved'}]})[0]?.outcome).toBe('pass')
    const [silent] = judge(gatewayMissing, {...lan, probes: [arp('no-reply'), {...ping, outcome: 'no-reply', l2: 'unresolved'}]})
    expect(silent?.message).toContain("the host's ARP for it on eth0 got no reply, nor did its ping")
  })

  it('judges nothing from an ARP probe that errored, and passes a gateway that answers', () => {
    expect(judge(gatewayMissing, {...lan, probes: [arp('error')]})[0]?.outcome).toBe('pass')
    expect(judge(gatewayMissing, {...lan, probes: [arp('reply')]})[0]?.message).toBe('Gateway 192.168.1.1 is the router the host uses too and answers ARP on eth0.')
  })

  it('still warns on a gateway other than the host router that answers, without claiming it is absent', () => {
    const other = {routes: [{dst: 'default', gateway: '192.168.1.254', dev: 'eth0'}], networks: [{name: 'lan', parent: 'eth0'}], probes: [arp('reply')]}
    const [result] = judge(gatewayMissing, other)
    expect(result).toMatchObject({outcome: 'warn', symptoms: ['other-router-answers']})
    expect(result?.message).toContain('192.168.1.1 answers ARP, so it may be a second router on purpose')
  })
})
