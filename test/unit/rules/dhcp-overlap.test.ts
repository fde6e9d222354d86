import {describe, expect, it} from 'vitest'

import {dhcpOverlap} from '../../../src/rules/dhcp-overlap.js'
import {fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

describe('dhcp-overlap', () => {
  it('fails the lab host whose dnsmasq pool (.200-.220) lies inside the .192/27 range, naming the shared addresses', () => {
    const [result] = judge(dhcpOverlap, fixture('dhcp-overlap'), {dhcpRanges: ['192.168.77.200-192.168.77.220']})
    expect(result?.outcome).toBe('fail')
    expect(result?.message).toContain('Docker may hand out 192.168.77.200-192.168.77.220')
    expect(result?.fix?.commands.find((line) => line.startsWith('docker network create'))).toMatch(/--ip-range=192\.168\.77\.(\d+)\/\d+ /)
    const range = /--ip-range=([\d./]+)/.exec(result?.fix?.commands.find((line) => line.startsWith('docker network create')) ?? '')?.[1] ?? ''
    expect(judge(dhcpOverlap, fixture('dhcp-overlap'), {dhcpRanges: ['192.168.77.200-192.168.77.220']})[0]?.fix?.summary).toContain(range)
  })

  it('accepts a CIDR pool and passes the healthy lab pool (.100-.150)', () => {
    expect(judge(dhcpOverlap, fixture('healthy'), {dhcpRanges: ['192.168.77.100-192.168.77.150']})[0]?.outcome).toBe('pass')
    expect(judge(dhcpOverlap, fixture('healthy'), {dhcpRanges: ['192.168.77.192/28']})[0]?.outcome).toBe('fail')
  })

  it('has nothing to judge without a known pool', () => {
    expect(judge(dhcpOverlap, fixture('dhcp-overlap'))[0]).toMatchObject({outcome: 'skip', skipKind: 'not-applicable'})
  })
})
