import {chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {collectBootPaths} from '../../../src/collect/boot-path.js'
import {configFiles, namedIn} from '../../../src/collect/net-config.js'
import {bootOrder} from '../../../src/rules/boot-order.js'
import type {BootPath, NetConfig} from '../../../src/snapshot/types.js'
import type {HostExample} from '../../helpers/examples.js'
import {fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

const UNIT = 'macvlan-shim-lan-shim.service'
const EMPTY: BootPath = {units: [], ifupdown: [], networkManager: [], scripts: []}

/** A host whose shim lan-shim on eth0 is configured as `boot` says. */
function host(boot: Partial<BootPath> | undefined, netConfig: Partial<NetConfig> = {}): HostExample {
  return {
    links: [{name: 'eth0', address: '192.168.1.10/24'}, {name: 'lan-shim', kind: 'macvlan', mode: 'bridge', parent: 'eth0', address: '192.168.1.223/32'}],
    routes: [{dst: '192.168.1.192/27', dev: 'lan-shim'}],
    networks: [{name: 'lan', parent: 'eth0', ipRange: '192.168.1.192/27'}],
    netConfig: {mentions: {'lan-shim': ['/etc/somewhere']}, boot: boot ? {'lan-shim': {...EMPTY, ...boot}} : undefined, ...netConfig},
  }
}

const unit = (overrides: Partial<BootPath['units'][number]> = {}) => ({path: `/etc/systemd/system/${UNIT}`, unit: UNIT, install: ['multi-user.target.wants'], enabledBy: [], masked: false, ...overrides})
const shimResult = (example: HostExample) => judge(bootOrder, example).find((result) => result.subject.interface === 'lan-shim')
const networkd = (parentMatch: string[]) => ({
  networkd: {netdevs: [{path: '/etc/systemd/network/lan-shim.netdev', kind: 'macvlan'}], attachedBy: [{path: '/etc/systemd/network/10-lan.network', match: parentMatch}], configuredBy: ['/etc/systemd/network/lan-shim.network']},
})

describe('boot-order', () => {
  it('warns on the lab shim made with ip commands only, and prints a unit that recreates it as it is', () => {
    const [result] = judge(bootOrder, fixture('shim-not-persistent'))
    expect(result?.outcome).toBe('warn')
    expect(result?.message).toContain('Shim lan-shim exists only at runtime')
    expect(result?.fix?.shim).toEqual({name: 'lan-shim', parent: 'eth1', mode: 'bridge', addresses: ['192.168.77.223/32'], routes: ['192.168.77.192/27']})
    const commands = result?.fix?.commands ?? []
    expect(commands).toContain('systemctl enable macvlan-shim-lan-shim.service')
    const unitText = commands.find((command) => command.startsWith('printf')) ?? ''
    expect(unitText).toContain('ExecStart=ip link add lan-shim link eth1 type macvlan mode bridge')
    expect(unitText).toContain('ExecStart=ip addr add 192.168.77.223/32 dev lan-shim')
    expect(unitText).toContain('ExecStart=ip route add 192.168.77.192/27 dev lan-shim')
    expect(unitText).toContain('Before=docker.service')
  })

  it('passes the lab shim persisted in systemd-networkd files, its parent\'s .network attaching it in a drop-in', () => {
    expect(judge(bootOrder, fixture('healthy'))[0]?.message).toBe(
      'Shim lan-shim comes back at boot: systemd-networkd creates it from /etc/systemd/network/lan-shim.netdev, attached by /etc/systemd/network/10-eth1.network.d/lan-shim.conf, addressed by /etc/systemd/network/lan-shim.network.',
    )
  })

  it('warns when docker.service does not wait for the network', () => {
    const results = judge(bootOrder, {links: [{name: 'eth0'}], networks: [{name: 'lan', parent: 'eth0'}], netConfig: {dockerUnitAfter: ['containerd.service', 'network.target']}})
    expect(results[0]?.message).toContain('docker.service does not wait for network-online.target')
  })

  it('passes a unit whose enable link exists', () => {
    const result = shimResult(host({units: [unit({enabledBy: [`/etc/systemd/system/multi-user.target.wants/${UNIT}`]})]}))
    expect(result?.outcome).toBe('pass')
    expect(result?.message).toBe(`Shim lan-shim comes back at boot: unit ${UNIT} is enabled (/etc/systemd/system/multi-user.target.wants/${UNIT}).`)
  })

  it('warns on a unit that was never enabled, naming systemctl enable', () => {
    const result = shimResult(host({units: [unit()]}))
    expect(result?.outcome).toBe('warn')
    expect(result?.message).toContain(`unit ${UNIT} is not enabled: there is no link to it in multi-user.target.wants`)
    expect(result?.fix?.commands).toEqual([`systemctl enable ${UNIT}`])
    expect(result?.fix?.shim).toBeUndefined()
  })

  it('warns on a unit with no [Install] section: enabling needs a target first', () => {
    const result = shimResult(host({units: [unit({install: []})]}))
    expect(result?.message).toContain('its [Install] section names no target')
    expect(result?.fix?.commands).toEqual([`printf '\n[Install]\nWantedBy=multi-user.target\n' >> /etc/systemd/system/${UNIT}`, 'systemctl daemon-reload', `systemctl enable ${UNIT}`])
  })

  it('warns on a masked unit, even with its enable link in place', () => {
    const result = shimResult(host({units: [unit({path: `/usr/lib/systemd/system/${UNIT}`, enabledBy: [`/etc/systemd/system/multi-user.target.wants/${UNIT}`], masked: true})]}))
    expect(result?.outcome).toBe('warn')
    expect(result?.message).toContain(`unit ${UNIT} is masked`)
    expect(result?.fix?.commands).toEqual([`systemctl unmask ${UNIT}`])
  })

  it('passes networkd files whose parent .network matches the parent by name', () => {
    expect(shimResult(host(networkd(['en*', 'eth0'])))?.outcome).toBe('pass')
  })

  it('passes networkd files whose parent .network is the one networkd applied to it', () => {
    expect(shimResult(host(networkd([]), {networkd: {eth0: {adminState: 'configured', networkFile: '/etc/systemd/network/10-lan.network'}}}))?.outcome).toBe('pass')
  })

  it('warns when the .network listing MACVLAN= matches another link, and writes the drop-in for the parent\'s own file', () => {
    const example = host(networkd(['eth9']), {networkd: {eth0: {adminState: 'configured', networkFile: '/run/systemd/network/10-netplan-eth0.network'}}})
    const result = shimResult(example)
    expect(result?.outcome).toBe('warn')
    expect(result?.message).toContain('no .network of its parent eth0 lists MACVLAN=lan-shim, so networkd never creates it (/etc/systemd/network/10-lan.network lists MACVLAN=lan-shim for Name=eth9)')
    expect(result?.fix?.commands).toEqual(['mkdir -p /etc/systemd/network/10-netplan-eth0.network.d', "printf '%s' '[Network]\nMACVLAN=lan-shim\n' > /etc/systemd/network/10-netplan-eth0.network.d/50-lan-shim.conf", 'networkctl reload'])
  })

  it('warns when no .network addresses the shim networkd creates', () => {
    const result = shimResult(host({networkd: {...networkd(['eth0']).networkd, configuredBy: []}}))
    expect(result?.message).toContain('no .network matches Name=lan-shim, so it comes back without its address')
    expect(result?.fix?.commands.join('\n')).toContain('Address=192.168.1.223/32')
  })

  it('passes an ifupdown stanza with its auto line, and warns on one without', () => {
    expect(shimResult(host({ifupdown: [{path: '/etc/network/interfaces.d/lan-shim', iface: 'lan-shim', auto: true}]}))?.outcome).toBe('pass')
    const result = shimResult(host({ifupdown: [{path: '/etc/network/interfaces.d/lan-shim', iface: 'lan-shim', auto: false}]}))
    expect(result?.outcome).toBe('warn')
    expect(result?.message).toContain('the ifupdown stanza for lan-shim in /etc/network/interfaces.d/lan-shim has no "auto lan-shim" (or allow-hotplug) line')
    expect(result?.fix?.commands).toEqual(["printf '\nauto %s\n' lan-shim >> /etc/network/interfaces.d/lan-shim"])
  })

  it('warns on a NetworkManager keyfile with autoconnect=false', () => {
    const result = shimResult(host({networkManager: [{path: '/etc/NetworkManager/system-connections/lan-shim.nmconnection', id: 'lan shim', autoconnect: false}]}))
    expect(result?.outcome).toBe('warn')
    expect(result?.fix?.commands).toEqual(["nmcli connection modify 'lan shim' connection.autoconnect yes"])
  })

  it('counts an executable hook script, and names what keeps one from running', () => {
    expect(shimResult(host({scripts: [{path: '/etc/network/if-up.d/lan-shim', executable: true}]}))?.outcome).toBe('pass')
    expect(shimResult(host({scripts: [{path: '/etc/network/if-up.d/lan-shim', executable: false}]}))?.fix?.commands).toEqual(['chmod +x /etc/network/if-up.d/lan-shim'])
    expect(shimResult(host({scripts: [{path: '/etc/network/if-up.d/lan-shim.sh', executable: true}]}))?.message).toContain("run-parts skips /etc/network/if-up.d/lan-shim.sh: its name has characters other than letters, digits, '_' and '-'")
  })

  it('warns on a shim named only by netplan, which cannot create it', () => {
    const result = shimResult(host({}, {mentions: {'lan-shim': ['/etc/netplan/50-lan.yaml']}}))
    expect(result?.message).toContain('Shim lan-shim is named in /etc/netplan/50-lan.yaml, but none of them creates it at boot')
    expect(result?.fix?.shim?.name).toBe('lan-shim')
  })

  it('does not judge a named shim from a snapshot taken before the boot path was read', () => {
    const result = shimResult(host(undefined))
    expect(result).toMatchObject({outcome: 'skip', skipKind: 'not-applicable'})
    expect(result?.message).toContain('collected before macvlan-doctor read what brings a shim back at boot')
  })
})

describe('collecting the boot path from the host root', () => {
  let root = ''
  const previous = process.env.MACVLAN_DOCTOR_HOST_ROOT
  afterEach(() => {
    rmSync(root, {recursive: true, force: true})
    if (previous === undefined) delete process.env.MACVLAN_DOCTOR_HOST_ROOT
    else process.env.MACVLAN_DOCTOR_HOST_ROOT = previous
  })
  const write = (path: string, text: string, mode = 0o644) => {
    mkdirSync(dirname(join(root, path)), {recursive: true})
    writeFileSync(join(root, path), text)
    chmodSync(join(root, path), mode)
  }
  const collect = async (names: string[]) => {
    process.env.MACVLAN_DOCTOR_HOST_ROOT = root
    return collectBootPaths(names, await configFiles(), namedIn(names))
  }

  it('reads enable links, masks, networkd attachments, auto lines, autoconnect and executable bits', async () => {
    root = mkdtempSync(join(tmpdir(), 'mvd-boot-'))
    write(`/etc/systemd/system/${UNIT}`, '[Service]\nExecStart=ip link add lan-shim link eth0 type macvlan\n\n[Install]\nWantedBy=multi-user.target\n')
    mkdirSync(join(root, 'etc/systemd/system/multi-user.target.wants'), {recursive: true})
    symlinkSync(`/etc/systemd/system/${UNIT}`, join(root, 'etc/systemd/system/multi-user.target.wants', UNIT))
    write('/usr/lib/systemd/system/shim2.service', '[Service]\nExecStart=ip link add shim2 link eth0 type macvlan\n\n[Install]\nRequiredBy=network.target\n')
    symlinkSync('/dev/null', join(root, 'etc/systemd/system/shim2.service'))
    write('/etc/systemd/network/shim3.netdev', '[NetDev]\nName=shim3\nKind=macvlan\n')
    write('/etc/systemd/network/shim3.network', '[Match]\nName=shim3\n')
    write('/run/systemd/network/10-netplan-eth0.network', '[Match]\nName=eth0\n')
    write('/etc/systemd/network/10-netplan-eth0.network.d/50-shim3.conf', '[Network]\nMACVLAN=shim3\n')
    write('/etc/network/interfaces.d/shim4', 'iface shim4 inet static\n    pre-up ip link add shim4 link eth0 type macvlan\n')
    write('/etc/network/interfaces', 'auto lo shim5\niface shim5 inet manual\n')
    write('/etc/NetworkManager/system-connections/shim6.nmconnection', '[connection]\nid=shim six\nautoconnect=false\ninterface-name=shim6\n')
    write('/etc/network/if-up.d/shim7', '#!/bin/sh\nip link add shim7 link eth0 type macvlan\n', 0o644)
    const boot = await collect(['eth0', 'lan-shim', 'shim2', 'shim3', 'shim4', 'shim5', 'shim6', 'shim7'])
    expect(boot['lan-shim']?.units).toEqual([{path: `/etc/systemd/system/${UNIT}`, unit: UNIT, install: ['multi-user.target.wants'], enabledBy: [`/etc/systemd/system/multi-user.target.wants/${UNIT}`], masked: false}])
    expect(boot.shim2?.units).toEqual([{path: '/usr/lib/systemd/system/shim2.service', unit: 'shim2.service', install: ['network.target.requires'], enabledBy: [], masked: true}])
    expect(boot.shim3?.networkd).toEqual({
      netdevs: [{path: '/etc/systemd/network/shim3.netdev', kind: 'macvlan'}],
      attachedBy: [{path: '/run/systemd/network/10-netplan-eth0.network', dropIn: '/etc/systemd/network/10-netplan-eth0.network.d/50-shim3.conf', match: ['eth0']}],
      configuredBy: ['/etc/systemd/network/shim3.network'],
    })
    expect(boot.shim4?.ifupdown).toEqual([{path: '/etc/network/interfaces.d/shim4', iface: 'shim4', auto: false}])
    expect(boot.shim5?.ifupdown).toEqual([{path: '/etc/network/interfaces', iface: 'shim5', auto: true}])
    expect(boot.shim6?.networkManager).toEqual([{path: '/etc/NetworkManager/system-connections/shim6.nmconnection', id: 'shim six', autoconnect: false}])
    expect(boot.shim7?.scripts).toEqual([{path: '/etc/network/if-up.d/shim7', executable: false}])
  })
})
