/** What `macvlan fix` will print or write to make a shim survive a reboot, per network manager that owns the parent. */
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {execa} from 'execa'
import {afterAll, describe, expect, it} from 'vitest'

import {HostModel} from '../../src/model/host-model.js'
import {persistenceFor, shimSpecOf, type ShimSpec} from '../../src/remedy/persistence.js'
import {snapshotOf, type HostExample} from '../helpers/examples.js'
import {fixture} from '../helpers/fixtures.js'
import {goldenPersistence, PERSISTENCE_HOSTS, persistenceGoldenPath} from '../helpers/golden.js'

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
    // Without its enable link the unit is written but never started at boot.
    expect(netplan.links).toEqual([{path: '/etc/systemd/system/multi-user.target.wants/macvlan-shim-lan-shim.service', target: '/etc/systemd/system/macvlan-shim-lan-shim.service'}])
  })
})

const hosts = Object.keys(PERSISTENCE_HOSTS) as Array<keyof typeof PERSISTENCE_HOSTS>

describe.each(hosts)('persistence golden files: parent owned by %s', (host) => {
  it('writes exactly the golden files (npm run golden:bless re-blesses)', () => {
    const files = goldenPersistence(host).files
    const golden = readdirSync(fileURLToPath(persistenceGoldenPath(host, '/')), {recursive: true, withFileTypes: true}).filter((entry) => entry.isFile())
    expect(files).toHaveLength(golden.length)
    for (const file of files) expect(file.content).toBe(readFileSync(persistenceGoldenPath(host, file.path), 'utf8'))
  })
})

/** The golden files, written under a scratch root the way they would land on the host. */
function writtenUnder(host: keyof typeof PERSISTENCE_HOSTS): {root: string; files: Array<{path: string; onDisk: string}>} {
  const root = mkdtempSync(join(tmpdir(), `mvd-${host}-`))
  const files = goldenPersistence(host).files.map((file) => {
    const onDisk = join(root, file.path)
    mkdirSync(dirname(onDisk), {recursive: true})
    writeFileSync(onDisk, file.content)
    return {path: file.path, onDisk}
  })
  return {root, files}
}

async function tool(file: string, args: string[], options: {input?: string; timeout?: number; env?: Record<string, string>} = {}) {
  const result = await execa(file, args, {reject: false, all: true, ...options})
  if (result.failed && (result as {code?: string}).code === 'ENOENT') throw new Error(`${file} is not installed: bash scripts/install-test-deps.sh installs it`)
  return result
}

describe('persistence files, read by the tools that will read them on a host', () => {
  const roots: string[] = []
  afterAll(() => {
    for (const root of roots) rmSync(root, {recursive: true, force: true})
  })
  const write = (host: keyof typeof PERSISTENCE_HOSTS) => {
    const written = writtenUnder(host)
    roots.push(written.root)
    return written.files
  }

  it.each(['none', 'netplan'] as const)('systemd-analyze verify accepts the unit (%s)', async (host) => {
    const [unit] = write(host)
    const result = await tool('systemd-analyze', ['verify', unit?.onDisk ?? ''])
    expect(result.all).toBe('')
    expect(result.exitCode).toBe(0)
  })

  it('systemd-networkd loads the .netdev, .network and the parent drop-in without a complaint', async () => {
    const files = write('systemd-networkd')
    const directory = dirname(files.find((file) => file.path.endsWith('.netdev'))?.onDisk ?? '')
    // The parent's own file lives in /run (netplan); the drop-in only counts when networkd reads it with that file.
    writeFileSync(join(directory, '10-netplan-eth0.network'), '[Match]\nName=eth0\n\n[Network]\nDHCP=yes\n')
    // A key networkd does not know, beside our drop-in: its complaint proves the drop-in directory was read.
    writeFileSync(join(directory, '10-netplan-eth0.network.d', '99-canary.conf'), '[Network]\nCanary=1\n')
    const loadOnly = 'mount --bind "$0" /etc/systemd/network && mount -t tmpfs tmpfs /run/systemd && exec /lib/systemd/systemd-networkd'
    // In an empty network namespace of its own: there is nothing for it to configure, and nothing leaves.
    const result = await tool('unshare', ['--mount', '--net', 'sh', '-c', loadOnly, directory], {timeout: 3000, env: {SYSTEMD_LOG_LEVEL: 'debug', SYSTEMD_LOG_TARGET: 'console'}})
    const complaints = (result.all ?? '').split('\n').filter((line) => line.startsWith('/etc/systemd/network/'))
    expect(complaints).toEqual(["/etc/systemd/network/10-netplan-eth0.network.d/99-canary.conf:2: Unknown key 'Canary' in section [Network], ignoring."])
    expect(result.all).toContain('lan-shim: loaded "macvlan"')
  })

  it('nmcli --offline accepts the keyfile as a complete macvlan connection', async () => {
    const [keyfile] = write('NetworkManager')
    const result = await tool('nmcli', ['--offline', 'connection', 'modify', 'connection.id', 'lan-shim'], {input: readFileSync(keyfile?.onDisk ?? '', 'utf8')})
    expect(result.exitCode, result.all).toBe(0)
    expect(result.all).toContain('[macvlan]\nmode=2\nparent=eth0\n')
  })

  it('ifquery reads the interfaces.d stanza with its address and hooks', async () => {
    const [stanza] = write('ifupdown')
    const result = await tool('ifquery', ['-i', stanza?.onDisk ?? '', 'lan-shim'])
    expect(result.exitCode, result.all).toBe(0)
    expect(result.all).toContain('address: 192.168.1.223\n')
    expect(result.all).toContain('pre-up: ip link add lan-shim link eth0 type macvlan mode bridge\n')
  })
})
