import {describe, expect, it} from 'vitest'

import {macSprawl} from '../../../src/rules/mac-sprawl.js'
import {fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

describe('mac-sprawl', () => {
  it('counts the 300 extra macvlans of the lab parent from its unicast filter, and reports promiscuous mode', () => {
    const [result] = judge(macSprawl, fixture('mac-sprawl'))
    expect(result?.outcome).toBe('warn')
    expect(result?.message).toContain('eth1 carries 303 MACs besides its own (2 container endpoints, 301 host macvlans), above 32')
    expect(result?.message).toContain('promiscuous mode')
  })

  it('honours the configured threshold', () => {
    expect(judge(macSprawl, fixture('mac-sprawl'), {macSprawlThreshold: 400})[0]?.outcome).toBe('pass')
    expect(judge(macSprawl, fixture('healthy'), {macSprawlThreshold: 2})[0]?.outcome).toBe('warn')
  })

  it('ignores multicast filter entries and the parent own MAC', () => {
    const [result] = judge(macSprawl, {
      links: [{name: 'eth0', mac: '52:54:00:12:34:56'}],
      fdb: [
        {mac: '33:33:00:00:00:01', ifname: 'eth0', flags: ['self'], state: 'permanent'},
        {mac: '01:00:5e:00:00:01', ifname: 'eth0', flags: ['self'], state: 'permanent'},
        {mac: '52:54:00:12:34:56', ifname: 'eth0', flags: ['self'], state: 'permanent'},
      ],
      networks: [{name: 'lan', parent: 'eth0'}],
    })
    expect(result?.message).toBe('eth0 carries 0 MACs besides its own (threshold 32).')
  })
})
