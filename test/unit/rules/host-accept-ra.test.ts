import {describe, expect, it} from 'vitest'

import {hostAcceptRa} from '../../../src/rules/host-accept-ra.js'
import {snapshotOf} from '../../helpers/examples.js'
import {fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

const raDefault = {dst: 'default', gateway: 'fe80::1', dev: 'eth1', protocol: 'ra'}
const host = (conf: {acceptRa?: number; forwarding?: boolean}, routes = [raDefault]) => ({
  links: [{name: 'eth1', address: '192.168.1.5/24'}],
  networks: [{name: 'lan', parent: 'eth1'}],
  routes,
  ipv6Conf: {all: {forwarding: conf.forwarding ?? false}, eth1: {acceptRa: conf.acceptRa ?? 1, forwarding: conf.forwarding ?? false}},
})

describe('host-accept-ra', () => {
  it('fails when forwarding is on and the parent that brought the RA route only accepts advertisements without it, with the fix for now and the next boot', () => {
    const [result] = judge(hostAcceptRa, host({forwarding: true}))
    expect(result?.outcome).toBe('fail')
    expect(result?.message).toBe(
      "IPv6 forwarding is on (net.ipv6.conf.all.forwarding=1; Docker turns it on when a network uses IPv6) and net.ipv6.conf.eth1.accept_ra=1: the kernel ignores router advertisements on eth1, so the host's IPv6 default route via fe80::1 (learned from a router advertisement) on eth1 is not renewed, and goes when its lifetime runs out. Off its LAN, the host has no IPv6.",
    )
    expect(result?.fix?.commands).toEqual(['sysctl -w net.ipv6.conf.eth1.accept_ra=2', "printf '%s\\n' net.ipv6.conf.eth1.accept_ra=2 > /etc/sysctl.d/60-macvlan-accept-ra.conf"])
  })

  it('fails when the RA route is already gone and only the SLAAC address is left', () => {
    const snapshot = snapshotOf(host({forwarding: true}, []))
    if ('data' in snapshot.addresses) snapshot.addresses.data.push({ifname: 'eth1', family: 'inet6', local: '2001:db8::5054:ff:fe12:3456', prefixlen: 64, scope: 'global', flags: ['dynamic', 'mngtmpaddr']})
    const [result] = judge(hostAcceptRa, snapshot)
    expect(result?.outcome).toBe('fail')
    expect(result?.message).toContain('so the host has lost the IPv6 default route it learned from them (the kernel drops such routes when forwarding comes on) and learns none again; it still holds 2001:db8::5054:ff:fe12:3456 from them, until they expire.')
  })

  it('passes with accept_ra=2, and with forwarding off', () => {
    expect(judge(hostAcceptRa, host({forwarding: true, acceptRa: 2}))[0]?.message).toBe('The kernel keeps accepting router advertisements on eth1 (accept_ra=2, forwarding on).')
    expect(judge(hostAcceptRa, host({forwarding: false}))[0]?.outcome).toBe('pass')
  })

  it('passes a host whose IPv6 default route is static, whatever accept_ra says', () => {
    const [result] = judge(hostAcceptRa, host({forwarding: true}, [raDefault, {dst: 'default', gateway: '2001:db8::1', dev: 'eth1', protocol: 'static'}]))
    expect(result?.outcome).toBe('pass')
    expect(result?.message).toBe("The host's IPv6 default route is configured (via 2001:db8::1 on eth1, proto static): it does not depend on router advertisements.")
  })

  it('says nothing about a host without IPv6, nor one whose network manager handles advertisements itself (accept_ra=0)', () => {
    expect(judge(hostAcceptRa, fixture('healthy')).map((result) => result.skipKind)).toEqual(['not-applicable'])
    expect(judge(hostAcceptRa, host({forwarding: true, acceptRa: 0}))[0]?.skipKind).toBe('not-applicable')
  })

  it.each(['dual-stack', 'dual-stack.docker-26.1'])('passes the lab host that learned its IPv6 route from the LAN router with forwarding off (%s)', (name) => {
    expect(judge(hostAcceptRa, fixture(name)).map((result) => [result.outcome, result.message])).toEqual([['pass', 'The kernel keeps accepting router advertisements on eth1 (accept_ra=1, forwarding off), lan-shim (accept_ra=1, forwarding off).']])
  })
})
