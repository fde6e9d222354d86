/** Containers that are not steady, or that change while the doctor probes: their silence is never blamed on the LAN. */
import {execa} from 'execa'
import {describe, expect, it} from 'vitest'

import {describeOnEngines, doctor, labSkipped, useScenario, type DoctorRun} from './harness.js'
import type {Lab} from './lab.js'

const failures = (run: DoctorRun) => run.report.checks.filter((check) => check.outcome === 'fail').map((check) => `${check.id} ${JSON.stringify(check.subject)}: ${check.message}`)
const routeOf = (run: DoctorRun, container: string) => run.report.checks.find((check) => check.id === 'container-route' && check.subject.container === container)

describeOnEngines('a container in a restart loop beside healthy ones', (engine) => {
  const {lab} = useScenario('restarting-container', engine)

  // Ten runs in a row, as an operator's timer would make them. The DHCP window is cut to half a second (the dnsmasq
  // of the lab answers after about 3 s, so DHCP is simply silent): it is most of a run and says nothing about containers.
  it('never fails the healthy host in ten runs in a row, and says why the restarting container was not probed', async () => {
    for (let attempt = 1; attempt <= 10; attempt++) {
      const run = await doctor(lab(), ['--dhcp-timeout', '500'])
      expect(failures(run), `run ${attempt}`).toEqual([])
      expect(run.exitCode, `run ${attempt}`).not.toBe(2)
      expect([routeOf(run, 'web')?.outcome, routeOf(run, 'db')?.outcome], `run ${attempt}`).toEqual(['pass', 'pass'])
      expect(routeOf(run, 'flaky'), `run ${attempt}`).toMatchObject({outcome: 'skip'})
      expect(routeOf(run, 'flaky')?.message, `run ${attempt}`).toMatch(/flaky (is restarting|was restarted \d+ times, the last \d+ s before this run|stopped while it was probed|was restarted while it was probed)/)
    }
  }, 600_000)
})

/** Pids of every process below `root`, with their command lines. */
async function descendants(root: number): Promise<Array<{pid: number; args: string}>> {
  const table = (await execa('ps', ['-eo', 'pid=,ppid=,args='])).stdout.split('\n').map((line) => {
    const [pid = '', ppid = '', ...args] = line.trim().split(/\s+/)
    return {pid: Number(pid), ppid: Number(ppid), args: args.join(' ')}
  })
  const found: Array<{pid: number; args: string}> = []
  let frontier = [root]
  while (frontier.length > 0) {
    const children = table.filter((entry) => frontier.includes(entry.ppid))
    found.push(...children)
    frontier = children.map((child) => child.pid)
  }
  return found
}

/**
 * Runs the doctor while `db` ignores ICMP echo (so pings to it wait their whole timeout), and does `change` to db as
 * soon as a ping to it is in flight: the container changes while it is being probed, every time.
 */
async function doctorWhile(lab: Lab, change: string[]): Promise<{exitCode: number; report: DoctorRun['report']}> {
  const pid = (await lab.docker(['inspect', '-f', '{{.State.Pid}}', 'db'])).stdout.trim()
  const dbAddress = (await lab.docker(['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', 'db'])).stdout.trim()
  await execa('nsenter', ['-t', pid, '-n', 'nft', '-f', '-'], {input: 'table inet mute {\n  chain in {\n    type filter hook input priority 0; policy accept;\n    icmp type echo-request drop\n  }\n}\n'})
  const child = lab.macvlan(['doctor', '--json', '--probe-timeout', '4000', '--dhcp-timeout', '500'])
  let exited = false
  void child.finally(() => (exited = true))
  const deadline = Date.now() + 60_000
  while (!(await descendants(child.pid ?? 0)).some((entry) => entry.args.startsWith('ping ') && entry.args.endsWith(dbAddress))) {
    if (exited || Date.now() > deadline) {
      const result = await child
      throw new Error(`no ping to db ${dbAddress} was seen (doctor exit ${result.exitCode}): ${result.stderr} ${result.stdout.slice(0, 2000)}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  await lab.docker(change)
  const result = await child
  if (!result.stdout.startsWith('{')) throw new Error(`doctor printed no JSON (exit ${result.exitCode}): ${result.stderr}`)
  return {exitCode: result.exitCode ?? -1, report: JSON.parse(result.stdout)}
}

describe.skipIf(labSkipped)('a container that changes while the doctor probes it', () => {
  const {lab} = useScenario('healthy')

  it('reports a container restarted mid-run as restarted, not as a network failure', async () => {
    const run = await doctorWhile(lab(), ['restart', '-t', '0', 'db'])
    expect(failures(run as DoctorRun)).toEqual([])
    expect(routeOf(run as DoctorRun, 'db')).toMatchObject({outcome: 'skip', skipKind: 'missing-data'})
    expect(routeOf(run as DoctorRun, 'db')?.message).toMatch(/db (was restarted|stopped) while it was probed/)
    expect(routeOf(run as DoctorRun, 'web')?.outcome).toBe('pass')
    expect(run.exitCode).toBe(3)
  })

  it('reports a container removed mid-run as removed, not as a network failure', async () => {
    const run = await doctorWhile(lab(), ['rm', '-f', 'db'])
    expect(failures(run as DoctorRun)).toEqual([])
    expect(routeOf(run as DoctorRun, 'db')?.message).toContain('db was removed while it was probed')
    expect(routeOf(run as DoctorRun, 'web')?.outcome).toBe('pass')
    expect(run.exitCode).toBe(3)
  })
})
