import {describe, expect, it} from 'vitest'

import {bridgeParent} from '../../../src/rules/bridge-parent.js'
import {fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

describe('bridge-parent', () => {
  it('warns on a bridge parent, names its ports and offers ipvlan with the same addressing', () => {
    const [result] = judge(bridgeParent, {links: [{name: 'vmbr0', kind: 'bridge'}, {name: 'enp1s0', master: 'vmbr0'}], networks: [{name: 'lan', parent: 'vmbr0', ipRange: '192.168.1.192/27'}]})
    expect(result?.outcome).toBe('warn')
    expect(result?.fix?.summary).toContain('(enp1s0)')
    expect(result?.fix?.commands.find((line) => line.startsWith('docker network create'))).toBe('docker network create -d ipvlan -o parent=vmbr0 --subnet=192.168.1.0/24 --gateway=192.168.1.1 --ip-range=192.168.1.192/27 lan')
  })

  it('passes a veth parent in the lab', () => {
    expect(judge(bridgeParent, fixture('healthy'))[0]?.outcome).toBe('pass')
  })
})
