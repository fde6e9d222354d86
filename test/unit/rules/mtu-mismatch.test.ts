import {describe, expect, it} from 'vitest'

import {mtuMismatch} from '../../../src/rules/mtu-mismatch.js'
import {fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

describe('mtu-mismatch', () => {
  it('warns that the lab network asked for MTU 9000 and the containers got 1500', () => {
    const [result] = judge(mtuMismatch, fixture('mtu-mismatch'))
    expect(result?.message).toBe('The network asks for MTU 9000 but its parent eth1 has 1500; the containers got 1500, so the option is not doing what it says.')
  })

  it('fails a container whose interface MTU exceeds the parent, read from inside its namespace', () => {
    const [result] = judge(mtuMismatch, {
      links: [{name: 'eth0', mtu: 1400}],
      networks: [{name: 'lan', parent: 'eth0'}],
      containers: [{name: 'web', network: 'lan', mac: '02:42:c0:a8:01:c0'}],
      views: {web: {links: [{ifindex: 2, name: 'eth0', kind: 'macvlan', mac: '02:42:c0:a8:01:c0', mtu: 1500, flags: ['UP'], operstate: 'UP', promiscuity: 0, linkType: 'ether'}]}},
    })
    expect(result?.outcome).toBe('fail')
    expect(result?.message).toContain("container web has MTU 1500, above the parent's 1400")
  })

  it('passes the healthy lab', () => {
    expect(judge(mtuMismatch, fixture('healthy'))[0]?.outcome).toBe('pass')
  })
})
