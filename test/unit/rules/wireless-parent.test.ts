import {describe, expect, it} from 'vitest'

import {wirelessParent} from '../../../src/rules/wireless-parent.js'
import {fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

describe('wireless-parent', () => {
  it('fails a Wi-Fi parent and offers ipvlan', () => {
    const [result] = judge(wirelessParent, {links: [{name: 'wlp2s0'}], sysfs: {wlp2s0: {wireless: true}}, networks: [{name: 'lan', parent: 'wlp2s0'}]})
    expect(result?.outcome).toBe('fail')
    expect(result?.fix?.commands.find((line) => line.startsWith('docker network create'))).toContain('docker network create -d ipvlan -o parent=wlp2s0')
  })

  it('skips when sysfs could not be read, rather than passing', () => {
    const results = judge(wirelessParent, {links: [{name: 'eth0'}], networks: [{name: 'lan', parent: 'eth0'}]})
    expect(results[0]?.outcome).toBe('pass')
    const built = fixture('healthy')
    built.sysfs = {error: {code: 'sysfs-unreadable', message: 'cannot read /sys/class/net'}}
    expect(judge(wirelessParent, built)[0]).toMatchObject({outcome: 'skip', skipKind: 'missing-data'})
  })
})
