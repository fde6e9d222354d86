/** `macvlan plan --check`: a docker network create line read as Docker reads it, judged against a host before it exists. */
import {fileURLToPath} from 'node:url'
import {execa} from 'execa'
import {describe, expect, it} from 'vitest'

import {UserError} from '../../src/errors.js'
import {plannedNetwork} from '../../src/plan/network-create.js'

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
const HEALTHY = fileURLToPath(new URL('../../fixtures/snapshots/healthy.json', import.meta.url))

function plan(args: string[]) {
  return execa(process.execPath, [BIN, 'plan', '--check', '--from', HEALTHY, ...args], {reject: false, env: {NO_COLOR: '1', DOCKER_HOST: 'unix:///nonexistent/docker.sock'}})
}

describe('a docker network create line, read as Docker reads it', () => {
  it('pairs each gateway, range and aux address with the subnet that contains it, whatever their order', () => {
    const network = plannedNetwork(['docker', 'network', 'create', '-d', 'macvlan', '--subnet', '192.168.1.0/24', '--subnet=fd01::/64', '--gateway', 'fd01::1', '--ip-range', '192.168.1.192/27', '--aux-address', 'host=192.168.1.223', '--gateway=192.168.1.254', '-o', 'parent=eth0', '--ipv6', 'lan'])
    expect(network).toMatchObject({name: 'lan', driver: 'macvlan', enableIPv6: true, options: {parent: 'eth0'}, endpoints: []})
    expect(network.ipam.config).toEqual([
      {subnet: '192.168.1.0/24', gateway: '192.168.1.254', ipRange: '192.168.1.192/27', auxAddresses: {host: '192.168.1.223'}},
      {subnet: 'fd01::/64', gateway: 'fd01::1', auxAddresses: {}},
    ])
  })

  it("gives a subnet without --gateway its first address, as Docker's default IPAM does", () => {
    expect(plannedNetwork(['-d', 'macvlan', '--subnet', '10.0.8.0/22', '-o', 'parent=eth0', 'lan']).ipam.config[0]?.gateway).toBe('10.0.8.1')
  })

  it.each([
    [['-d', 'bridge', '--subnet', '10.0.0.0/24', 'lan'], /judges macvlan and ipvlan networks, and this one's driver is bridge/],
    [['-d', 'macvlan', '-o', 'parent=eth0', 'lan'], /has no --subnet/],
    [['-d', 'macvlan', '--subnet', '10.0.0.0/24', '--gateway', '10.0.1.1', 'lan'], /--gateway 10\.0\.1\.1 is in no --subnet/],
    [['-d', 'macvlan', '--subnet', '10.0.0.0/24', '--frobnicate', 'lan'], /no option --frobnicate/],
    [['-d', 'macvlan', '--subnet', '10.0.0.0/24', 'lan', 'extra'], /more than one name: lan, extra/],
    [['-d', 'macvlan', '--subnet', '10.0.0.0/24', '-o', 'parent'], /-o parent is not KEY=VALUE|no network name/],
    [[], /no docker network create line/],
  ])('refuses %j with a usage error that says why', (argv, why) => {
    let error: unknown
    try {
      plannedNetwork(argv)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(UserError)
    expect((error as UserError).exitCode).toBe(3)
    expect((error as UserError).message).toMatch(why)
  })
})

describe('macvlan plan --check against a saved host', () => {
  it('fails a network whose range is the range of a network already on that parent, and names only the planned network', async () => {
    const result = await plan(['--', 'docker', 'network', 'create', '-d', 'macvlan', '--subnet', '192.168.77.0/24', '--ip-range', '192.168.77.192/27', '-o', 'parent=eth1', 'lan2'])
    expect(result.exitCode).toBe(2)
    expect(result.stdout).toMatch(/^# status: FAIL, 2 problems: parent-shared \(eth1\)/)
    expect(result.stdout).toContain('lan and lan2 may both hand out 192.168.77.192-192.168.77.223')
    // The host's own network is the doctor's business: none of its checks is in the plan's report.
    expect(result.stdout.split('\n').filter((line) => /^(PASS|WARN|FAIL|SKIP)\t/.test(line) && line.split('\t')[3] === 'lan')).toEqual([])
  })

  it("warns a subnet that is not the LAN of the parent, and fails a second macvlan network on a parent of this engine (20.10 refuses it before 27.1)", async () => {
    const result = await plan(['--', 'docker', 'network', 'create', '-d', 'macvlan', '--subnet', '10.9.0.0/24', '-o', 'parent=eth1', 'lan3'])
    expect(result.exitCode).toBe(2)
    expect(result.stdout).toContain('WARN\tsubnet-mismatch\tMVD013\tlan3\t-\teth1\tSubnet mismatch on lan3: 10.9.0.0/24 is not the LAN on eth1 (192.168.77.0/24)')
    expect(result.stdout).toContain('lan and lan3 are macvlan networks on one parent, which Docker Engine 20.10.24+dfsg1 refuses before 27.1')
  })

  it('refuses a name Docker already has, and a line it cannot read, in one line with exit 3', async () => {
    const taken = await plan(['--', 'docker', 'network', 'create', '-d', 'macvlan', '--subnet', '192.168.77.0/24', '-o', 'parent=eth1', 'lan'])
    expect(taken.exitCode).toBe(3)
    expect(taken.stderr.trim()).toMatch(/^macvlan: a network named lan already exists on this host — /)
    const unreadable = await plan(['--', 'docker', 'network', 'create', '-d', 'macvlan', '--bogus', 'lan'])
    expect(unreadable.exitCode).toBe(3)
    expect(unreadable.stderr.trim().split('\n')).toHaveLength(1)
    expect(unreadable.stderr).toContain('no option --bogus')
  })
})
