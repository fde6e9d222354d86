import {describe, expect, it} from 'vitest'

import {firewallBypass} from '../../../src/rules/firewall-bypass.js'
import {fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

describe('firewall-bypass', () => {
  it('lists the DOCKER-USER rules that cannot see the macvlan containers', () => {
    const [result] = judge(firewallBypass, {networks: [{name: 'lan', parent: 'eth0'}], containers: [{name: 'web', network: 'lan'}], netConfig: {dockerUserRules: ['-N DOCKER-USER', '-A DOCKER-USER -i eth0 -j DROP']}})
    expect(result?.message).toContain('1 DOCKER-USER rule(s) exist, but they do not apply to web')
    expect(result?.evidence?.facts.dockerUserRules).toEqual(['-A DOCKER-USER -i eth0 -j DROP'])
  })

  it('passes a host without DOCKER-USER rules (the lab), and judges nothing without containers', () => {
    expect(judge(firewallBypass, fixture('healthy'))[0]?.outcome).toBe('pass')
    expect(judge(firewallBypass, {networks: [{name: 'lan', parent: 'eth0'}]})[0]).toMatchObject({outcome: 'skip', skipKind: 'not-applicable'})
  })
})
