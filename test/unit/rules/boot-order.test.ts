import {describe, expect, it} from 'vitest'

import {bootOrder} from '../../../src/rules/boot-order.js'
import {fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

describe('boot-order', () => {
  it('warns on the lab shim made with ip commands only, and prints a unit that recreates it as it is', () => {
    const [result] = judge(bootOrder, fixture('shim-not-persistent'))
    expect(result?.outcome).toBe('warn')
    expect(result?.message).toContain('Shim lan-shim exists only at runtime')
    expect(result?.fix?.shim).toEqual({name: 'lan-shim', parent: 'eth1', mode: 'bridge', addresses: ['192.168.77.223/32'], routes: ['192.168.77.192/27']})
    const commands = result?.fix?.commands ?? []
    expect(commands).toContain('systemctl enable macvlan-shim-lan-shim.service')
    const unit = commands.find((command) => command.startsWith('printf')) ?? ''
    expect(unit).toContain('ExecStart=ip link add lan-shim link eth1 type macvlan mode bridge')
    expect(unit).toContain('ExecStart=ip addr add 192.168.77.223/32 dev lan-shim')
    expect(unit).toContain('ExecStart=ip route add 192.168.77.192/27 dev lan-shim')
    expect(unit).toContain('Before=docker.service')
  })

  it('passes the lab shim persisted in systemd-networkd files', () => {
    expect(judge(bootOrder, fixture('healthy'))[0]?.message).toBe('Shim lan-shim is configured in /etc/systemd/network/lan-shim.netdev, /etc/systemd/network/lan-shim.network, so it comes back after a reboot.')
  })

  it('warns when docker.service does not wait for the network', () => {
    const results = judge(bootOrder, {links: [{name: 'eth0'}], networks: [{name: 'lan', parent: 'eth0'}], netConfig: {dockerUnitAfter: ['containerd.service', 'network.target']}})
    expect(results[0]?.message).toContain('docker.service does not wait for network-online.target')
  })
})
