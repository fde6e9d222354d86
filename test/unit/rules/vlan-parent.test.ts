import {describe, expect, it} from 'vitest'

import {vlanParent} from '../../../src/rules/vlan-parent.js'
import {fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

describe('vlan-parent', () => {
  it('warns when the VLAN id differs from the name', () => {
    const [result] = judge(vlanParent, {links: [{name: 'eth0'}, {name: 'eth0.100', kind: 'vlan', vlanId: 200, parent: 'eth0'}], networks: [{name: 'iot', parent: 'eth0.100'}]})
    expect(result?.message).toBe('Parent eth0.100 carries VLAN 200, not the 100 its name says.')
    expect(result?.fix?.commands).toEqual(['ip link del eth0.100', 'ip link add link eth0 name eth0.100 type vlan id 100', 'ip link set eth0.100 up'])
  })

  it('reminds that Docker deletes a VLAN it created when the network is removed', () => {
    const [result] = judge(vlanParent, {links: [{name: 'eth0'}, {name: 'eth0.100', kind: 'vlan', vlanId: 100, parent: 'eth0'}], networks: [{name: 'iot', parent: 'eth0.100'}]})
    expect(result?.message).toContain('`docker network rm iot` deletes it')
  })

  it('has nothing to judge when no parent is a VLAN name (the lab)', () => {
    expect(judge(vlanParent, fixture('healthy'))[0]).toMatchObject({outcome: 'skip', skipKind: 'not-applicable'})
  })
})
