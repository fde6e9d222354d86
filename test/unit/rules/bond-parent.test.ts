import {describe, expect, it} from 'vitest'

import {bondParent} from '../../../src/rules/bond-parent.js'
import {fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

// The lab's kernel has no bonding driver, so these hosts are described from `ip -d -j link` (linkinfo.info_data.mode).
const onBond = (mode: string, parent = 'bond0') => ({
  links: [{name: 'bond0', kind: 'bond', mode}, {name: 'bond0.10', kind: 'vlan', vlanId: 10, parent: 'bond0'}],
  networks: [{name: 'lan', parent}],
  containers: [{name: 'web', network: 'lan', ip: '192.168.1.10'}],
})

describe('bond-parent', () => {
  it('fails balance-alb, which answers ARP for the containers with a port\'s MAC', () => {
    const [result] = judge(bondParent, onBond('balance-alb'))
    expect(result).toMatchObject({outcome: 'fail', subject: {network: 'lan', interface: 'bond0'}})
    expect(result?.message).toBe(
      'Parent bond0 is a bond in balance-alb mode: it rewrites the source MAC of outgoing ARP replies to one of its ports\' MACs, so the LAN learns the wrong MAC for the containers on lan and most of their traffic is lost.',
    )
    expect(result?.fix?.commands).toEqual(['ip link set bond0 type bond mode active-backup   # with the bond down and no ports; then in its configuration'])
  })

  it('judges the bond under a VLAN parent', () => {
    expect(judge(bondParent, onBond('balance-alb', 'bond0.10'))[0]?.message).toContain('Parent bond0.10 sits on bond0, a bond in balance-alb mode')
  })

  it('warns balance-tlb, which sends the containers\' frames with its ports\' MACs', () => {
    expect(judge(bondParent, onBond('balance-tlb'))[0]).toMatchObject({outcome: 'warn'})
  })

  it('passes active-backup and 802.3ad, and says what the switch must allow for 802.3ad', () => {
    expect(judge(bondParent, onBond('active-backup'))[0]).toMatchObject({outcome: 'pass', message: 'Parent bond0 is a bond in active-backup mode: the containers\' MACs move with the active port on failover.'})
    expect(judge(bondParent, onBond('802.3ad'))[0]).toMatchObject({
      outcome: 'pass',
      message: 'Parent bond0 is a bond in 802.3ad mode: the switch\'s port-channel must accept every container MAC (port security counts them all).',
    })
  })

  it('says nothing of a mode it could not read, and has nothing to judge without a bond (the lab)', () => {
    expect(judge(bondParent, {links: [{name: 'bond0', kind: 'bond'}], networks: [{name: 'lan', parent: 'bond0'}]})[0]).toMatchObject({outcome: 'skip', skipKind: 'missing-data'})
    expect(judge(bondParent, fixture('healthy'))[0]).toMatchObject({outcome: 'skip', skipKind: 'not-applicable'})
  })
})
