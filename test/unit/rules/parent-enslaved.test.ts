import {describe, expect, it} from 'vitest'

import {parentEnslaved} from '../../../src/rules/parent-enslaved.js'
import {fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

describe('parent-enslaved', () => {
  it('fails a bridge port seen only in sysfs, and recreates the network on the master when known', () => {
    const [bridged] = judge(parentEnslaved, {links: [{name: 'eth0'}], sysfs: {eth0: {bridgePort: true}}, networks: [{name: 'lan', parent: 'eth0'}]})
    expect(bridged).toMatchObject({outcome: 'fail'})
    expect(bridged?.message).toContain('is a bridge port')
    const [bonded] = judge(parentEnslaved, {links: [{name: 'eth0', master: 'bond0', slaveKind: 'bond'}], networks: [{name: 'lan', parent: 'eth0'}], containers: [{name: 'web', network: 'lan'}]})
    expect(bonded?.fix?.commands.filter((line) => line.startsWith('docker'))).toEqual([
      'docker stop web',
      'docker network disconnect lan web',
      'docker network rm lan',
      'docker network create -d macvlan -o parent=bond0 --subnet=192.168.1.0/24 --gateway=192.168.1.1 lan',
      'docker network connect lan web',
      'docker start web',
    ])
  })

  it('passes the lab parent', () => {
    expect(judge(parentEnslaved, fixture('healthy'))[0]?.outcome).toBe('pass')
  })
})
