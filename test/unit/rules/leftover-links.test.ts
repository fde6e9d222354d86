import {describe, expect, it} from 'vitest'

import {leftoverLinks} from '../../../src/rules/leftover-links.js'
import {fixture} from '../../helpers/fixtures.js'
import type {HostExample} from '../../helpers/examples.js'
import {judge} from '../../helpers/judge.js'

const lan = (links: NonNullable<HostExample['links']>, networks: NonNullable<HostExample['networks']> = [{name: 'lan', parent: 'eth0'}]): HostExample => ({links: [{name: 'eth0'}, ...links], networks})

describe('leftover-links', () => {
  it("warns of a container's macvlan that Docker made and never moved into it: it keeps the container's MAC on the parent", () => {
    const [result] = judge(leftoverLinks, lan([{name: 'veth3f9a1c2', kind: 'macvlan', parent: 'eth0', mac: '02:42:c0:a8:01:0a'}]))
    expect(result).toMatchObject({outcome: 'warn', subject: {interface: 'eth0'}})
    expect(result?.message).toBe(
      'On eth0: veth3f9a1c2 is a macvlan Docker made for a container and never moved into it (a start that failed half-way): it still holds 02:42:c0:a8:01:0a on eth0, so a container given that MAC cannot start ("device or resource busy").',
    )
    expect(result?.fix?.commands).toEqual(['ip link del veth3f9a1c2'])
  })

  it('fails a macvlan network whose parent another driver holds: the kernel refuses the containers', () => {
    const [result] = judge(leftoverLinks, lan([{name: 'ipv0', kind: 'ipvlan', parent: 'eth0'}]))
    expect(result?.outcome).toBe('fail')
    expect(result?.message).toBe('On eth0: ipv0 puts an ipvlan port on eth0, so the kernel refuses the macvlan links of lan ("device or resource busy"): its containers cannot start.')
  })

  it("warns of a dummy link left from a deleted network without a parent, which Docker may still count as in use", () => {
    const results = judge(leftoverLinks, lan([{name: 'dm-68eba91a51dd', kind: 'dummy'}, {name: 'dm-0123456789ab', kind: 'dummy'}], [{name: 'lan', parent: 'eth0'}, {name: 'backplane', id: '0123456789abcdef'}]))
    const dummy = results.find((result) => result.subject.interface === 'dm-68eba91a51dd')
    expect(dummy?.outcome).toBe('warn')
    expect(dummy?.message).toBe('dm-68eba91a51dd is the dummy link Docker makes for a macvlan network without a parent, but no network 68eba91a51dd exists any more: a leftover that can still make Docker refuse a network ("network dm-68eba91a51dd is already using parent interface …").')
    expect(results.some((result) => result.subject.interface === 'dm-0123456789ab')).toBe(false)
  })

  it('passes the lab host: its shim is the host\'s own, not a leftover', () => {
    expect(judge(leftoverLinks, fixture('healthy'))).toMatchObject([{outcome: 'pass', subject: {interface: 'eth1'}, message: 'No leftover Docker link and no other driver holds eth1.'}])
  })
})
