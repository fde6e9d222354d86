import {describe, expect, it} from 'vitest'

import {duplicateMac} from '../../../src/rules/duplicate-mac.js'
import {engineFixture, fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

describe('duplicate-mac', () => {
  it('fails the lab pair that asked for one MAC and names the container stuck in Created', () => {
    const [result] = judge(duplicateMac, fixture('duplicate-mac'))
    expect(result?.outcome).toBe('fail')
    expect(result?.message).toContain('02:42:c0:a8:4d:99 is used by container first (running) and container second (created)')
    expect(result?.message).toContain('so second cannot start')
    expect(result?.fix?.commands).toEqual(['docker rm second   # then re-create it without --mac-address, or with a unique one'])
  })

  it('fails a container that takes the parent MAC, and a multicast MAC', () => {
    const parentTaken = judge(duplicateMac, {links: [{name: 'eth0', mac: '52:54:00:12:34:56'}], networks: [{name: 'lan', parent: 'eth0'}], containers: [{name: 'web', network: 'lan', mac: '52:54:00:12:34:56'}]})[0]
    expect(parentTaken?.message).toContain('is used by the parent eth0 (up) and container web (running)')
    const multicast = judge(duplicateMac, {links: [{name: 'eth0'}], networks: [{name: 'lan', parent: 'eth0'}], containers: [{name: 'web', network: 'lan', mac: '03:00:00:00:00:01'}]})[0]
    expect(multicast?.message).toContain('03:00:00:00:00:01, asked for by container web, is a multicast address')
  })

  // Docker 20.10 makes a container's macvlan in the host's namespace as veth + 7 hex digits, down, and then moves it
  // into the container: caught mid-move (a container restarting), it is the container's own link, not a second one.
  it("does not take Docker's endpoint in transit for a second holder of the container's MAC", () => {
    const host = (name: string, flags: string[]) =>
      judge(duplicateMac, {links: [{name: 'eth1', mac: '52:54:00:12:34:56'}, {name, kind: 'macvlan', parent: 'eth1', mac: '02:42:c0:a8:4d:c2', flags}], networks: [{name: 'lan', parent: 'eth1'}], containers: [{name: 'flaky', network: 'lan', mac: '02:42:c0:a8:4d:c2', status: 'restarting'}]})[0]
    expect(host('vethf1b8376', ['BROADCAST', 'MULTICAST'])?.outcome).toBe('pass')
    // Up, or named by someone else, it is a real second holder (the kernel refuses to bring up a second one).
    expect(host('vethf1b8376', ['BROADCAST', 'MULTICAST', 'UP'])?.message).toContain('02:42:c0:a8:4d:c2 is used by host macvlan vethf1b8376 (up) and container flaky (restarting)')
    expect(host('lan-shim', ['BROADCAST', 'MULTICAST'])?.message).toContain('02:42:c0:a8:4d:c2 is used by host macvlan lan-shim (down) and container flaky (restarting)')
  })

  it('passes the healthy lab', () => {
    expect(judge(duplicateMac, fixture('healthy'))[0]?.outcome).toBe('pass')
  })

  it('passes the random, locally administered MACs of Engine 28.0 without expecting 02:42 ones', () => {
    expect(judge(duplicateMac, engineFixture('healthy.docker-28.0'))[0]).toMatchObject({outcome: 'pass', message: 'All 4 MACs on eth1 are unique unicast addresses.'})
  })
})
