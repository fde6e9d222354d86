/** How probe results confirm or clear what the snapshot alone suggests. */
import {describe, expect, it} from 'vitest'

import {evaluateRules} from '../../../src/engine/evaluate.js'
import {DEFAULT_SETTINGS} from '../../../src/engine/types.js'
import type {ProbeRecord, ProbeResults} from '../../../src/probe/types.js'
import {RULES} from '../../../src/rules/index.js'
import {fixture} from '../../helpers/fixtures.js'

const results = (records: Array<Partial<ProbeRecord> & Pick<ProbeRecord, 'purpose' | 'target' | 'outcome'>>): ProbeResults => ({
  startedAt: 'now',
  durationMs: 1,
  timeoutMs: 1000,
  icmpEngine: 'ping',
  skipped: [],
  records: records.map((record) => ({kind: 'icmp', from: {namespace: 'host'}, command: 'ping', ...record})),
})

const verdict = (name: string, probes: ProbeResults, id: string) => evaluateRules(RULES, fixture(name), DEFAULT_SETTINGS, probes).filter((check) => check.id === id)

describe('probe verdicts', () => {
  it('host-isolation: a failing ping through an existing shim is a failure, split into L2/L3', () => {
    const probes = results([{purpose: 'host-to-container', target: '192.168.77.192', network: 'lan', container: 'web', outcome: 'no-reply', l2: 'unresolved'}])
    const [check] = verdict('healthy', probes, 'host-isolation')
    expect(check?.outcome).toBe('fail')
    expect(check?.message).toContain('host → web (192.168.77.192): no reply (L2: ARP unresolved')
  })

  it('host-isolation: pings that succeed clear the static warning, but never an answer on-link through the parent itself', () => {
    const probes = results([
      {purpose: 'host-to-container', target: '192.168.77.192', network: 'lan', container: 'web', outcome: 'reply', rttMs: 0.3},
      {purpose: 'host-to-container', target: '192.168.77.193', network: 'lan', container: 'db', outcome: 'reply', rttMs: 0.4},
    ])
    // The lab host without a shim routes the containers on-link through eth1: whoever answered there is not them.
    expect(verdict('host-isolation', probes, 'host-isolation')[0]?.outcome).toBe('warn')
    const throughRouter = fixture('host-isolation')
    if ('data' in throughRouter.routes) throughRouter.routes.data = throughRouter.routes.data.filter((route) => route.dst !== '192.168.77.0/24')
    const [reached] = evaluateRules(RULES, throughRouter, DEFAULT_SETTINGS, probes).filter((check) => check.id === 'host-isolation')
    expect(reached?.outcome).toBe('pass')
  })

  it('mac-filtered: host answered and throw-away MAC not is a failure; no host answer judges nothing', () => {
    const host = {purpose: 'mac-filter-host' as const, kind: 'arp' as const, parent: 'eth1', target: '192.168.77.1', outcome: 'reply' as const, replies: [{mac: 'aa:aa:aa:aa:aa:aa'}]}
    const scratch = {purpose: 'mac-filter-scratch' as const, kind: 'arp' as const, parent: 'eth1', target: '192.168.77.1', outcome: 'no-reply' as const, from: {namespace: 'probe', mac: '02:00:00:00:00:01'}}
    expect(verdict('healthy', results([host, scratch]), 'mac-filtered')[0]?.outcome).toBe('fail')
    expect(verdict('healthy', results([{...host, outcome: 'no-reply', replies: []}, scratch]), 'mac-filtered')[0]?.message).toMatch(/^No virtual switch/)
  })

  it('ip-conflict: a stranger answering for a reserved aux address is a conflict; host MACs answering for the host are not', () => {
    const aux = {purpose: 'address-owners' as const, kind: 'arp' as const, network: 'lan', parent: 'eth1', target: '192.168.77.223', outcome: 'reply' as const}
    const stranger = verdict('host-isolation', results([{...aux, replies: [{mac: 'de:ad:be:ef:00:01'}]}]), 'ip-conflict')[0]
    expect(stranger?.message).toContain('a LAN device using an address Docker reserved')
    const healthy = fixture('healthy')
    const hostMacs = 'data' in healthy.links ? healthy.links.data.flatMap((link) => (link.mac && link.name !== 'lo' ? [{mac: link.mac}] : [])) : []
    expect(verdict('healthy', results([{...aux, replies: hostMacs}]), 'ip-conflict')[0]?.outcome).not.toBe('fail')
  })

  it('dhcp-overlap: one offer outside the range proves nothing about the range (a pool below it may still reach in)', () => {
    const [check] = verdict('healthy', results([{purpose: 'dhcp-discover', kind: 'dhcp', parent: 'eth1', target: '255.255.255.255:67', outcome: 'reply', offers: [{server: '192.168.77.1', offered: '192.168.77.120'}]}]), 'dhcp-overlap')
    expect(check).toMatchObject({outcome: 'skip', skipKind: 'missing-data'})
    expect(check?.message).toContain('To prove it, declare the pool with --dhcp-range')
  })
})
