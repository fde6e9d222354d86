/** `macvlan fix` on real broken hosts: the plan changes nothing, --apply fixes and proves it, a failed proof is undone. */
import {existsSync, readFileSync, readlinkSync, rmSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import type {FixOutcome} from '../../src/fix/render.js'
import type {Lab} from './lab.js'
import {describeOnEngines, doctor, hostState, labSkipped, outcomeOf, useScenario} from './harness.js'

interface FixRun {
  exitCode: number
  outcome?: FixOutcome
  stderr: string
  before: Awaited<ReturnType<typeof hostState>>
  after: Awaited<ReturnType<typeof hostState>>
}

async function fix(lab: Lab, args: string[]): Promise<FixRun> {
  const before = await hostState(lab)
  const subprocess = lab.macvlan(['fix', '--format', 'json', ...args])
  const result = await subprocess
  const after = await hostState(lab, subprocess.pid)
  return {exitCode: result.exitCode ?? -1, stderr: result.stderr, before, after, ...(result.stdout.startsWith('{') ? {outcome: JSON.parse(result.stdout) as FixOutcome} : {})}
}

/** The main table's IPv4 routes through `dev` (`ip -j route show table all` names every other table). */
const routesVia = (state: FixRun['after'], dev: string) =>
  (state.routes as Array<{dst: string; dev: string; table?: string}>).filter((route) => route.dev === dev && !route.table && !route.dst.includes(':')).map((route) => route.dst)

/** Runs `command` inside the network namespace of container `name`, from the lab host's side. */
async function inContainer(lab: Lab, name: string, command: string[]): Promise<void> {
  const pid = (await lab.docker(['inspect', '-f', '{{.State.Pid}}', name])).stdout.trim()
  await lab.host(['nsenter', `--net=/proc/${pid}/ns/net`, ...command])
}

const UNIT = 'system/macvlan-shim-lan-shim.service'
/** What `systemctl enable` makes for the unit, and `fix --persist` too. */
const ENABLE_LINK = 'system/multi-user.target.wants/macvlan-shim-lan-shim.service'

describe.skipIf(labSkipped)('lab: macvlan fix on the host-isolation host', () => {
  const {lab} = useScenario('host-isolation')

  it('prints the shim plan with this host\'s names and addresses, and changes nothing', async () => {
    const run = await fix(lab(), [])
    expect(run.exitCode).toBe(1)
    expect(run.after).toEqual(run.before)
    const [step] = run.outcome?.plan.steps ?? []
    expect(step?.check.id).toBe('host-isolation')
    expect(step?.runtime.map((action) => action.run.join(' '))).toEqual([
      'ip link add lan-shim link eth1 type macvlan mode bridge',
      'ip addr add 192.168.77.223/32 dev lan-shim',
      'ip link set lan-shim up',
      'ip route add 192.168.77.192/27 dev lan-shim',
    ])
    expect(run.outcome?.plan.persistence[0]?.persistence.manager).toBe('systemd-unit')
  })

  it('refuses --apply without --yes when there is no terminal to ask on, and changes nothing', async () => {
    const run = await fix(lab(), ['--apply'])
    expect(run.exitCode).toBe(3)
    expect(run.stderr.trim().split('\n')).toEqual(['macvlan: not applying 4 runtime changes: there is no terminal to confirm on — Re-run with --yes to apply without asking.'])
    expect(run.after).toEqual(run.before)
  })

  it('rolls everything back, files included, when verification fails (a container\'s eth0 is down)', async () => {
    await inContainer(lab(), 'web', ['ip', 'link', 'set', 'eth0', 'down'])
    try {
      const run = await fix(lab(), ['--apply', '--persist', '--yes'])
      expect(run.exitCode).toBe(4)
      expect(run.outcome?.apply?.result).toBe('rolled-back')
      expect(run.outcome?.apply?.applied).toHaveLength(4)
      // A container that does not answer could be a lost probe round: it is asked again before the fix is judged.
      expect(run.outcome?.apply?.verification).toMatchObject({passed: false, rounds: 3, changes: [{id: 'host-isolation', before: 'warn', after: 'fail'}]})
      expect(run.outcome?.apply?.rolledBack).toEqual([{command: 'ip link del lan-shim'}])
      expect(run.stderr).toContain('the fix did not verify (host-isolation: warn → fail); every change was undone.')
      expect(run.after).toEqual(run.before)
      expect(existsSync(join(lab().etcSystemd, UNIT))).toBe(false)
      expect(existsSync(join(lab().etcSystemd, ENABLE_LINK))).toBe(false)
    } finally {
      await inContainer(lab(), 'web', ['ip', 'link', 'set', 'eth0', 'up'])
      await inContainer(lab(), 'web', ['ip', 'route', 'replace', 'default', 'via', '192.168.77.1'])
    }
  })

  it('--apply --persist --yes creates the shim, proves it with probes, and writes its unit', async () => {
    const run = await fix(lab(), ['--apply', '--persist', '--yes'])
    expect(run.outcome?.apply?.verification).toMatchObject({passed: true, changes: [{id: 'host-isolation', subject: {network: 'lan', interface: 'eth1'}, before: 'warn', after: 'pass'}]})
    expect(run.outcome?.apply?.result).toBe('verified')
    expect(routesVia(run.after, 'lan-shim')).toEqual(['192.168.77.192/27'])
    expect(readFileSync(join(lab().etcSystemd, UNIT), 'utf8')).toBe(run.outcome?.plan.persistence[0]?.persistence.files[0]?.content)
    expect(readlinkSync(join(lab().etcSystemd, ENABLE_LINK))).toBe(`/etc/systemd/${UNIT}`)
    const after = await doctor(lab())
    expect(outcomeOf(after, 'host-isolation', 'lan')).toEqual(['pass'])
    expect(outcomeOf(after, 'shim-incomplete', 'lan')).toEqual(['pass'])
    expect(outcomeOf(after, 'boot-order')).toEqual(['pass'])
    expect(after.report.status).toBe('ok')
    expect(run.exitCode).toBe(0)
  })

  it('with the unit written but its enable link gone, boot-order warns and names systemctl enable', async () => {
    rmSync(join(lab().etcSystemd, ENABLE_LINK))
    const after = await doctor(lab())
    const check = after.report.checks.find((candidate) => candidate.id === 'boot-order' && candidate.subject.interface === 'lan-shim')
    expect(check?.outcome).toBe('warn')
    expect(check?.message).toContain('unit macvlan-shim-lan-shim.service is not enabled: there is no link to it in multi-user.target.wants')
    expect(check?.fix?.commands).toEqual(['systemctl enable macvlan-shim-lan-shim.service'])
  })
})

describe.skipIf(labSkipped)('lab: macvlan fix on a shim without its route', () => {
  const {lab} = useScenario('shim-without-route')

  it('adds only the route, and shim-incomplete passes after', async () => {
    const run = await fix(lab(), ['--apply', '--yes'])
    expect(run.outcome?.apply?.applied).toEqual(['ip route add 192.168.77.192/27 dev lan-shim'])
    expect(run.outcome?.apply?.verification?.passed).toBe(true)
    expect(run.after.links).toEqual(run.before.links)
    expect(run.after.addresses).toEqual(run.before.addresses)
    expect(routesVia(run.after, 'lan-shim')).toEqual(['192.168.77.192/27'])
    expect(outcomeOf(await doctor(lab()), 'shim-incomplete', 'lan')).toEqual(['pass'])
  })
})

describe.skipIf(labSkipped)('lab: macvlan fix on a parent set down', () => {
  const {lab} = useScenario('parent-down')

  it('brings eth1 up, and the containers reach their gateway again', async () => {
    const run = await fix(lab(), ['--apply', '--yes'])
    expect(run.outcome?.apply?.applied).toEqual(['ip link set eth1 up'])
    expect(run.outcome?.apply?.verification).toMatchObject({passed: true, changes: [{id: 'parent-down', before: 'fail', after: 'pass'}]})
    expect(run.exitCode).toBe(0)
  })
})

describeOnEngines('lab: macvlan fix on a network with a range and no aux address', (engine) => {
  const {lab} = useScenario('host-isolation-unreserved', engine)

  it("gives the shim an address outside Docker's range, proven free and outside the DHCP pool, and leaves no check failing or warning about it", async () => {
    const run = await fix(lab(), ['--apply', '--yes'])
    expect(run.outcome?.plan.addressProofs).toMatchObject([{address: '192.168.77.254', parent: 'eth1', verdict: 'free', pool: {verdict: 'outside', detail: expect.stringMatching(/^asked for it, the DHCP server 192\.168\.77\.1 offered 192\.168\.77\.1[0-5]\d$/)}}])
    expect(run.outcome?.apply?.applied).toContain('ip addr add 192.168.77.254/32 dev lan-shim')
    expect(run.outcome?.apply?.result).toBe('verified')
    expect(run.exitCode).toBe(1)
    const after = await doctor(lab())
    expect(outcomeOf(after, 'host-isolation', 'lan')).toEqual(['pass'])
    expect(outcomeOf(after, 'shim-incomplete', 'lan')).toEqual(['pass'])
    expect(after.report.checks.filter((check) => check.outcome === 'fail')).toEqual([])
    expect(run.outcome?.apply?.remaining?.map((entry) => entry.id)).toEqual(['boot-order'])
  })
})

describeOnEngines("lab: macvlan fix where the LAN's DHCP pool covers the top of the subnet", (engine) => {
  const {lab} = useScenario('host-isolation-pool-at-top', engine)

  it('holds the shim back, saying the server offered that very address, and changes nothing', async () => {
    const run = await fix(lab(), ['--apply', '--yes'])
    expect(run.outcome?.plan.addressProofs).toMatchObject([{address: '192.168.77.254', verdict: 'free', pool: {verdict: 'inside', detail: 'the DHCP server 192.168.77.1 offered it when asked for it'}}])
    const step = run.outcome?.plan.steps.find((candidate) => candidate.check.id === 'host-isolation')
    expect(step?.runtime).toEqual([])
    expect(step?.held).toMatch(/^192\.168\.77\.254 is in the LAN's DHCP pool/)
    expect(run.outcome?.apply?.result).toBe('nothing')
    expect(run.after).toEqual(run.before)
  })
})

describeOnEngines('lab: a host with two shims', (engine) => {
  const {lab} = useScenario('two-shims', engine)

  it('reports the second shim as redundant (a warning with its reason) while the host reaches its containers', async () => {
    const run = await doctor(lab())
    expect(outcomeOf(run, 'host-isolation', 'lan')).toEqual(['pass'])
    const second = run.report.checks.find((check) => check.id === 'shim-incomplete' && check.subject.interface === 'lan-shim2')
    expect(second?.outcome).toBe('warn')
    expect(second?.message).toContain('is redundant: the host already reaches')
  })

  it('fix --apply adds no route or address that exists, so nothing fails with "File exists"', async () => {
    const run = await fix(lab(), ['--apply', '--yes'])
    expect(run.outcome?.plan.steps.flatMap((step) => step.runtime)).toEqual([])
    expect(run.outcome?.apply?.result).toBe('nothing')
    expect(run.after).toEqual(run.before)
    expect(run.exitCode).toBe(1)
  })
})
