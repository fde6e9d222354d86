/** `macvlan plan --check` on a live lab LAN: a planned network judged with real probes, and nothing created. */
import {expect, it} from 'vitest'

import {describeOnEngines, reported, useScenario} from './harness.js'
import type {Lab} from './lab.js'

const create = (range: string, name: string) => ['docker', 'network', 'create', '-d', 'macvlan', '--subnet', '192.168.77.0/24', '--gateway', '192.168.77.1', '--ip-range', range, '-o', 'parent=eth1', name]

async function planCheck(lab: Lab, line: string[]) {
  const networks = async () => (await lab.docker(['network', 'ls', '--format', '{{.Name}}'])).stdout.split('\n').sort()
  const before = await networks()
  const run = await reported(lab, ['plan', '--check', '--json', '--', ...line])
  expect(await networks()).toEqual(before)
  expect(run.after).toEqual(run.before)
  return run
}

const check = (run: Awaited<ReturnType<typeof planCheck>>, id: string) => run.report.checks.find((candidate) => candidate.id === id && candidate.subject.network === 'planned')

// The LAN's DHCP pool is .200-.220; the host already has lan on eth1 with the range .192/27.
describeOnEngines('plan --check against a live DHCP server', (engine) => {
  const {lab} = useScenario('dhcp-overlap', engine)

  it('fails a planned range the DHCP pool reaches into, proven by the offer of an address asked for', async () => {
    const run = await planCheck(lab(), create('192.168.77.208/28', 'planned'))
    expect(run.exitCode).toBe(2)
    expect(check(run, 'dhcp-overlap')?.outcome).toBe('fail')
    expect(check(run, 'dhcp-overlap')?.message).toMatch(/^Proven: the DHCP server 192\.168\.77\.1 offered 192\.168\.77\.2(0[89]|1\d|20)/)
    expect(run.report.checks.filter((candidate) => candidate.subject.network === 'lan')).toEqual([])
  })

  it('proves a planned range below the pool clear of it, and its gateway answering', async () => {
    const run = await planCheck(lab(), create('192.168.77.160/28', 'planned'))
    expect(check(run, 'dhcp-overlap')?.outcome).toBe('pass')
    expect(check(run, 'dhcp-overlap')?.message).toMatch(/^Proven: /)
    expect(check(run, 'gateway-missing')?.outcome).toBe('pass')
  })
})
