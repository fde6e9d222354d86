/**
 * The doctor killed mid-probe, the ways it is killed in production: a dropped SSH session (SIGHUP), ^\ (SIGQUIT),
 * systemd and timeouts (SIGTERM), the OOM killer or `kill -9` (SIGKILL). Nothing may stay behind that the next run
 * does not clean up and report: no throw-away namespace with its macvlan, no arping, ping or DHCP child.
 */
import {spawn} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {readdirSync, readFileSync} from 'node:fs'
import {execa} from 'execa'
import {expect, it} from 'vitest'

import {DEFAULT_ENGINE} from './engines.js'
import {describeOnEngines, doctor, hostState, useScenario} from './harness.js'
import type {Lab} from './lab.js'

/** The processes whose environment carries `marker` (the doctor and everything it started), by pid with their command line. */
function processesWith(marker: string): Array<{pid: number; command: string}> {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => {
      try {
        if (!readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(marker)) return []
        return [{pid: Number(entry), command: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ')}]
      } catch {
        return []
      }
    })
}

const namespacesOf = async (pid: number) => (await execa('ip', ['netns', 'list'])).stdout.split('\n').map((line) => line.split(' ')[0] ?? '').filter((name) => name.startsWith(`mvd-probe-${pid}-`))

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Starts the doctor in the lab host with a long DHCP window and waits until it is probing: its throw-away namespace
 * exists and its DHCP client runs there. Every process it starts inherits `marker` in its environment.
 */
async function probingDoctor(lab: Lab) {
  const marker = `MVD_SIGNAL_TEST=${randomBytes(6).toString('hex')}`
  const child = spawn('ip', ['netns', 'exec', lab.hostNs, 'env', `DOCKER_HOST=${lab.dockerHost}`, marker, process.execPath, 'bin/run.js', 'doctor', '--json', '--dhcp-timeout', '20000'], {stdio: 'ignore'})
  let running = true
  const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) => child.on('exit', (code, signal) => resolve({code, signal}))).finally(() => (running = false))
  // `ip netns exec` and `env` exec the doctor in place: its namespaces carry this pid.
  const pid = child.pid ?? 0
  const discovering = () => processesWith(marker).some((process) => process.command.includes('dhcp-discover'))
  while (running && ((await namespacesOf(pid)).length === 0 || !discovering())) await pause(50)
  // One namespace or two: DHCP discovery may have its own, beside the one the ARP probes use.
  expect((await namespacesOf(pid)).length).toBeGreaterThan(0)
  expect(discovering()).toBe(true)
  return {pid, marker, exited}
}

/** Children killed by the doctor, or by the kernel, are gone within moments: polled, never assumed. */
async function survivors(marker: string): Promise<string[]> {
  const deadline = Date.now() + 2000
  while (Date.now() < deadline && processesWith(marker).length > 0) await pause(50)
  return processesWith(marker).map((process) => process.command)
}

describeOnEngines(
  'signals mid-probe',
  (engine) => {
    const {lab} = useScenario('healthy', engine)

    it.each([
      ['SIGHUP', 129],
      ['SIGQUIT', 131],
      ['SIGTERM', 143],
    ] as const)('%s: exits %i, and leaves no namespace, macvlan or child behind', async (signal, code) => {
      const before = await hostState(lab())
      const run = await probingDoctor(lab())
      process.kill(run.pid, signal)
      expect(await run.exited).toEqual({code, signal: null})
      expect(await survivors(run.marker)).toEqual([])
      expect(await hostState(lab(), run.pid)).toEqual(before)
    })

    it('SIGKILL: its children die with it, and the next run removes the namespace it left and says so', async () => {
      const before = await hostState(lab())
      const run = await probingDoctor(lab())
      process.kill(run.pid, 'SIGKILL')
      expect(await run.exited).toEqual({code: null, signal: 'SIGKILL'})
      expect(await survivors(run.marker)).toEqual([])
      // No handler runs on SIGKILL: the namespace, and the macvlan in it, stay until the next run.
      const left = await namespacesOf(run.pid)
      expect(left.length).toBeGreaterThan(0)
      const next = await doctor(lab())
      expect((next.report as unknown as {probes: {removedStale?: string[]}}).probes.removedStale).toEqual(expect.arrayContaining(left))
      expect(await hostState(lab(), run.pid)).toEqual(before)
    })
  },
  [DEFAULT_ENGINE],
)
