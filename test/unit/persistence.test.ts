/** What `macvlan fix` will print or write to make a shim survive a reboot, per network manager that owns the parent. */
import {describe, expect, it} from 'vitest'

import {HostModel} from '../../src/model/host-model.js'
import {persistenceFor, shimSpecOf, type ShimSpec} from '../../src/model/persistence.js'
import {snapshotOf, type HostExample} from '../helpers/examples.js'
import {fixture} from '../helpers/fixtures.js'

const spec: ShimSpec = {name: 'lan-shim', parent: 'eth0', mode: 'bridge', addresses: ['192.168.1.223/32'], routes: ['192.168.1.192/27']}
const on = (host: HostExample) => persistenceFor(new HostModel(snapshotOf({links: [{name: 'eth0'}], ...host})), spec)

describe('shim persistence', () => {
  it('reads the lab shim as it is now', () => {
    expect(shimSpecOf(new HostModel(fixture('healthy')), 'lan-shim')).toEqual({name: 'lan-shim', parent: 'eth1', mode: 'bridge', addresses: ['192.168.77.223/32'], routes: ['192.168.77.192/27']})
  })

  it('uses systemd-networkd files and a drop-in for the parent when networkd configures it', () => {
    const result = on({netConfig: {networkd: {eth0: {adminState: 'configured', networkFile: '/etc/systemd/network/10-eth0.network'}}}})
    expect(result.manager).toBe('systemd-networkd')
    expect(result.files.map((file) => file.path)).toEqual(['/etc/systemd/network/50-lan-shim.netdev', '/etc/systemd/network/50-lan-shim.network', '/etc/systemd/network/10-eth0.network.d/50-lan-shim.conf'])
    expect(result.files[1]?.content).toBe('[Match]\nName=lan-shim\n\n[Network]\nAddress=192.168.1.223/32\n\n[Route]\nDestination=192.168.1.192/27\n')
    expect(result.files[2]?.content).toBe('[Network]\nMACVLAN=lan-shim\n')
  })

  it('uses a NetworkManager keyfile (mode 600, bridge = 2) when NetworkManager has the parent connected', () => {
    const result = on({netConfig: {networkManager: [{device: 'eth0', type: 'ethernet', state: 'connected', connection: 'Wired'}]}})
    expect(result.manager).toBe('NetworkManager')
    expect(result.files[0]).toMatchObject({path: '/etc/NetworkManager/system-connections/lan-shim.nmconnection', mode: 0o600})
    expect(result.files[0]?.content).toContain('[macvlan]\nmode=2\nparent=eth0\n')
  })

  it('uses interfaces.d for ifupdown, and a systemd unit otherwise (netplan cannot create macvlans)', () => {
    expect(on({netConfig: {mentions: {eth0: ['/etc/network/interfaces']}}}).files[0]?.content).toBe(
      'auto lan-shim\niface lan-shim inet static\n    address 192.168.1.223/32\n    pre-up ip link add lan-shim link eth0 type macvlan mode bridge\n    up ip route add 192.168.1.192/27 dev lan-shim\n    post-down ip link del lan-shim\n',
    )
    const netplan = on({host: {networkManagers: ['netplan']}})
    expect(netplan).toMatchObject({manager: 'systemd-unit', reason: 'netplan owns the parent, and netplan cannot create macvlans'})
    expect(netplan.files[0]?.content).toContain('ExecStart=ip route add 192.168.1.192/27 dev lan-shim\n')
  })
})
