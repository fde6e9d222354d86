import {describe, expect, it} from 'vitest'

import {HostModel} from '../../../src/model/host-model.js'
import {intervalOf, ipv4Text, ipv4Value} from '../../../src/model/ip.js'
import {dhcpQuestions} from '../../../src/probe/plan.js'
import type {DhcpOffer, ProbeRecord} from '../../../src/probe/types.js'
import {poolMembership} from '../../../src/rules/support/dhcp-membership.js'
import {dhcpOverlap} from '../../../src/rules/dhcp-overlap.js'
import {fixture} from '../../helpers/fixtures.js'
import {snapshotOf, type HostExample} from '../../helpers/examples.js'
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
    expect(judge(dhcpOverlap, fixture('dhcp-overlap'))[0]).toMatchObject({outcome: 'skip', skipKind: 'not-applicable', message: expect.stringContaining('no DHCP probe was sent')})
  })
})

/** A LAN of 192.168.1.0/24 with Docker's range .192/27, two running containers from its bottom, and `extra`. */
const lan = (extra: Partial<HostExample> = {}): HostExample => ({
  links: [{name: 'eth0', address: '192.168.1.10/24'}],
  networks: [{name: 'lan', parent: 'eth0', ipRange: '192.168.1.192/27'}],
  containers: [
    {name: 'web', network: 'lan', ip: '192.168.1.192'},
    {name: 'db', network: 'lan', ip: '192.168.1.193'},
  ],
  ...extra,
})

/**
 * The DHCP probe's record on `host` against a server at .1 with pool `pool` that pings first (it never offers an address
 * in use: `inUse`) and, when not given the address asked for, offers the lowest free one (or `fallback`). `answered`
 * limits which questions it got to in time (a server busy with earlier probes).
 */
function probed(host: HostExample, pool: string, options: {inUse?: string[]; answered?: number; fallback?: string} = {}): HostExample {
  const questions = dhcpQuestions(new HostModel(snapshotOf(host)), 'eth0')
  const {first, last} = intervalOf(pool) ?? {first: 0n, last: 0n}
  const inUse = new Set(options.inUse ?? (host.containers ?? []).map((container) => container.ip ?? ''))
  const free = (address: string) => {
    const value = ipv4Value(address) ?? 0n
    return value >= first && value <= last && !inUse.has(address)
  }
  let lowest = first
  while (inUse.has(ipv4Text(lowest))) lowest++
  const other = options.fallback ?? ipv4Text(lowest)
  // Follow-ups are sent once the address they follow is offered back.
  const sent = questions.filter((question) => !question.after || free(question.after))
  const offers: DhcpOffer[] = sent.slice(0, options.answered ?? sent.length).map((question) => ({server: '192.168.1.1', requested: question.address, offered: free(question.address) ? question.address : other}))
  const record: Partial<ProbeRecord> & Pick<ProbeRecord, 'purpose' | 'target' | 'outcome'> = {purpose: 'dhcp-discover', kind: 'dhcp', parent: 'eth0', target: '255.255.255.255:67', outcome: 'reply', offers, questions}
  return {...host, probes: [record]}
}

describe('dhcp-overlap from the requested-address probe', () => {
  it('asks for the free addresses on both sides of the range, the shim address the fix would take outside it, then the free ends of the range beside any offered back', () => {
    expect(dhcpQuestions(new HostModel(snapshotOf(lan())), 'eth0').map((question) => [question.address, question.role, question.after])).toEqual([
      ['192.168.1.191', 'range-low', undefined],
      ['192.168.1.224', 'range-high', undefined],
      ['192.168.1.254', 'shim', undefined],
      ['192.168.1.194', 'range-inside', '192.168.1.191'],
      ['192.168.1.223', 'range-inside', '192.168.1.224'],
    ])
  })

  it('fails a pool that reaches into the bottom of the range, proven by the offer of the address asked for', () => {
    const [result] = judge(dhcpOverlap, probed(lan(), '192.168.1.100-192.168.1.200'))
    expect(result?.outcome).toBe('fail')
    expect(result?.message).toMatch(/^Proven: the DHCP server 192\.168\.1\.1 offered 192\.168\.1\.194 when asked for it, inside Docker's range 192\.168\.1\.192\/27/)
    expect(result?.evidence?.facts.answers).toContain("192.168.1.1: asked for 192.168.1.194 (the lowest free address of Docker's range 192.168.1.192/27): offered 192.168.1.194")
    expect(result?.evidence?.facts.answers).toContain("192.168.1.1: asked for 192.168.1.191 (the free address just below Docker's range 192.168.1.192/27): offered 192.168.1.191")
  })

  it('fails a pool that reaches into the top of the range, even from a server that hands out its lowest address first', () => {
    const [result] = judge(dhcpOverlap, probed(lan(), '192.168.1.210-192.168.1.250'))
    expect(result?.outcome).toBe('fail')
    expect(result?.message).toContain('offered 192.168.1.223 when asked for it, 192.168.1.210, inside')
  })

  it('fails a pool wholly inside the range: every offer lands in it', () => {
    const [result] = judge(dhcpOverlap, probed(lan(), '192.168.1.200-192.168.1.210'))
    expect(result?.outcome).toBe('fail')
    expect(result?.message).toContain('offered 192.168.1.200, inside')
  })

  it('passes a pool below the range only when both sides were answered with other addresses', () => {
    const [result] = judge(dhcpOverlap, probed(lan(), '192.168.1.100-192.168.1.150'))
    expect(result?.outcome).toBe('pass')
    expect(result?.message).toMatch(/^Proven: 192\.168\.1\.1 offered nothing inside 192\.168\.1\.192\/27, nor the free addresses on either side of it when asked for them/)
  })

  it('does not pass when a server busy with earlier probes answered only some of the questions, or none', () => {
    const [result] = judge(dhcpOverlap, probed(lan(), '192.168.1.100-192.168.1.150', {answered: 1}))
    expect(result).toMatchObject({outcome: 'skip', skipKind: 'missing-data'})
    expect(result?.message).toMatch(/^Not proven: 192\.168\.1\.1 did not settle 192\.168\.1\.224 \(the free address just above Docker's range 192\.168\.1\.192\/27: no answer in time\)/)
    expect(result?.message).toContain('--dhcp-range')
    const [none] = judge(dhcpOverlap, probed(lan(), '192.168.1.100-192.168.1.150', {answered: 0}))
    expect(none?.message).toMatch(/^Not proven: no DHCP server answered the probe/)
    expect(none?.outcome).not.toBe('pass')
  })

  it('cannot prove a pool that ends right below the range, where containers hold its lowest addresses', () => {
    const [result] = judge(dhcpOverlap, probed(lan(), '192.168.1.100-192.168.1.191'))
    expect(result).toMatchObject({outcome: 'skip', skipKind: 'missing-data'})
    expect(result?.message).toContain("192.168.1.191 (the free address just below Docker's range 192.168.1.192/27: offered back, so the pool comes up to the range")
    const empty = lan({containers: []})
    expect(judge(dhcpOverlap, probed(empty, '192.168.1.100-192.168.1.191'))[0]?.outcome).toBe('pass')
  })

  it('fails a static container address inside the pool, attributed to the container, from the free addresses beside it', () => {
    const host = lan({containers: [...(lan().containers ?? []), {name: 'nas', network: 'lan', ip: '192.168.1.120'}]})
    const questions = dhcpQuestions(new HostModel(snapshotOf(host)), 'eth0')
    expect(questions.filter((question) => question.container === 'nas').map((question) => question.address)).toEqual(['192.168.1.119', '192.168.1.121'])
    const [result] = judge(dhcpOverlap, probed(host, '192.168.1.100-192.168.1.150', {fallback: '192.168.1.101'}))
    expect(result?.outcome).toBe('fail')
    expect(result?.message).toContain("container nas's static address 192.168.1.120 is in the pool of the DHCP server 192.168.1.1")
    expect(result?.fix?.summary).toMatch(/^Give nas a static address outside the DHCP pool/)
    const [outside] = judge(dhcpOverlap, probed(host, '192.168.1.130-192.168.1.150'))
    expect(outside?.outcome).toBe('pass')
  })

  it('fails a static address inside a declared pool, and a stopped container is asked for its own address', () => {
    const stopped = lan({containers: [{name: 'nas', network: 'lan', ip: '192.168.1.120', running: false}]})
    expect(dhcpQuestions(new HostModel(snapshotOf(stopped)), 'eth0').find((question) => question.container === 'nas')?.address).toBe('192.168.1.120')
    const [result] = judge(dhcpOverlap, lan({containers: [{name: 'nas', network: 'lan', ip: '192.168.1.120'}]}), {dhcpRanges: ['192.168.1.100-192.168.1.150']})
    expect(result?.outcome).toBe('fail')
    expect(result?.message).toContain("container nas's static address 192.168.1.120 is inside the declared DHCP pool 192.168.1.100-192.168.1.150")
  })

  it('tells the fix whether an address it would take is in a pool: offered back, offered others beside it, or not settled', () => {
    const host = lan({containers: [...(lan().containers ?? []), {name: 'nas', network: 'lan', ip: '192.168.1.120'}]})
    const records = (pool: string) => (probed(host, pool, {fallback: '192.168.1.101'}).probes ?? []) as ProbeRecord[]
    expect(poolMembership(records('192.168.1.100-192.168.1.150'), 'eth0', '192.168.1.120')).toBe('in')
    expect(poolMembership(records('192.168.1.130-192.168.1.150'), 'eth0', '192.168.1.120')).toBe('out')
    expect(poolMembership(records('192.168.1.100-192.168.1.150'), 'eth0', '192.168.1.191')).toBe('out')
    expect(poolMembership(records('192.168.1.100-192.168.1.150'), 'eth0', '192.168.1.50')).toBe('unanswered')
    expect(poolMembership([], 'eth0', '192.168.1.191')).toBe('unanswered')
  })
})
