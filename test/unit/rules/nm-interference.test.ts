import {describe, expect, it} from 'vitest'

import {nmInterference} from '../../../src/rules/nm-interference.js'
import {fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

const shimHost = {links: [{name: 'eth0'}, {name: 'mac0', kind: 'macvlan', mode: 'bridge', parent: 'eth0'}], networks: [{name: 'lan', parent: 'eth0'}]}

describe('nm-interference', () => {
  it('warns when NetworkManager connects a shim through an auto profile, and writes the unmanaged-devices file', () => {
    const [result] = judge(nmInterference, {...shimHost, netConfig: {networkManager: [{device: 'mac0', type: 'macvlan', state: 'connecting', connection: 'Wired connection 2'}]}})
    expect(result?.message).toContain('NetworkManager has it connecting with the profile "Wired connection 2"')
    expect(result?.fix?.commands[0]).toBe("printf '[keyfile]\\nunmanaged-devices=interface-name:mac0\\n' > /etc/NetworkManager/conf.d/90-macvlan-doctor.conf")
  })

  it('watches a Docker-made VLAN parent too', () => {
    const results = judge(nmInterference, {links: [{name: 'eth0'}, {name: 'eth0.100', kind: 'vlan', vlanId: 100, parent: 'eth0'}], networks: [{name: 'iot', parent: 'eth0.100'}], netConfig: {networkd: {'eth0.100': {adminState: 'failed'}}}})
    expect(results[0]).toMatchObject({outcome: 'warn', subject: {interface: 'eth0.100'}})
  })

  it('passes the lab shim, configured by name in its networkd files', () => {
    expect(judge(nmInterference, fixture('healthy'))[0]?.message).toContain('lan-shim is configured on purpose')
  })
})
