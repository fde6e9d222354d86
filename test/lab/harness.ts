/** vitest glue for the lab: a fresh lab per scenario, torn down even when the test fails. */
import {execa} from 'execa'
import {afterAll, beforeAll, describe} from 'vitest'

import {DEFAULT_ENGINE, ENGINES, labEngines, type EngineName} from './engines.js'
import {Lab, labUnavailableReason} from './lab.js'
import {SCENARIOS, type ScenarioName} from './scenarios.js'

const reason = await labUnavailableReason()
if (reason) {
  // CI must never silently skip the lab; a developer may opt out explicitly.
  if (process.env.CI || process.env.MACVLAN_DOCTOR_SKIP_LAB !== '1') {
    throw new Error(`the lab cannot be built here: ${reason}. Set MACVLAN_DOCTOR_SKIP_LAB=1 to skip the lab tests on a developer machine.`)
  }
  console.warn(`lab tests skipped: ${reason} (MACVLAN_DOCTOR_SKIP_LAB=1)`)
}
export const labSkipped = reason !== undefined

/**
 * What "the host was left exactly as it was" compares: links, addresses, routes of the lab host, and the namespaces of
 * this lab and of the run whose process id is `runPid` (its probe namespaces are `mvd-probe-PID-…`). Other labs'
 * namespaces come and go meanwhile: labs run concurrently.
 */
export async function hostState(lab: Lab, runPid?: number) {
  const json = async (args: string[]) => JSON.parse((await lab.host(['ip', '-j', ...args])).stdout)
  const links = (await json(['-d', 'link', 'show'])).map((link: Record<string, unknown>) => ({
    name: link.ifname,
    flags: link.flags,
    mtu: link.mtu,
    address: link.address,
    kind: (link.linkinfo as {info_kind?: string} | undefined)?.info_kind,
  }))
  const addresses = (await json(['addr', 'show'])).flatMap((link: {ifname: string; addr_info: Array<{local: string; prefixlen: number}>}) =>
    link.addr_info.map((info) => `${link.ifname} ${info.local}/${info.prefixlen}`),
  )
  // A route learned from a router advertisement counts down its lifetime (`expires`): time passing changes nothing on the host.
  const routes = (await json(['route', 'show', 'table', 'all'])).map(({expires: _counting, ...route}: Record<string, unknown>) => route)
  const ours = (name: string) => name.startsWith(`mvd-lab-${lab.id}-`) || (runPid !== undefined && name.startsWith(`mvd-probe-${runPid}-`))
  const namespaces = (await execa('ip', ['netns', 'list'])).stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter(ours)
    .sort()
  return {links, addresses, routes, namespaces}
}

/** Builds `scenario` in a fresh lab running `engine` before the tests of the enclosing describe, and removes the lab after them. */
export function useScenario(scenario: ScenarioName, engine: EngineName = DEFAULT_ENGINE): {lab: () => Lab} {
  let lab: Lab | undefined
  beforeAll(async () => {
    if (labSkipped) return
    lab = await Lab.up({engine})
    await SCENARIOS[scenario].build(lab)
  })
  afterAll(async () => {
    await lab?.down()
  })
  return {
    lab: () => {
      if (!lab) throw new Error('lab not built')
      return lab
    },
  }
}

/**
 * `body` once per engine (every lab engine unless `engines` names some), each in a describe block titled
 * `title [docker-X]` that runs concurrently with the file's other such blocks, while its own tests run in order (they
 * share one lab). Use one block per lab: `useScenario(name, engine)` inside.
 */
export function describeOnEngines(title: string, body: (engine: EngineName) => void, engines: EngineName[] = labEngines()): void {
  for (const engine of engines) {
    describe.skipIf(labSkipped).concurrent(`${title} [${ENGINES[engine].name}]`, () => {
      describe.sequential('', () => body(engine))
    })
  }
}

export interface DoctorRun {
  exitCode: number
  report: {
    status: string
    problems: number
    checks: Array<{id: string; outcome: string; subject: Record<string, string>; message: string; fix?: {commands: string[]}; causedBy?: Array<{id: string; subject: Record<string, string>}>}>
  }
  before: Awaited<ReturnType<typeof hostState>>
  after: Awaited<ReturnType<typeof hostState>>
}

/** `macvlan doctor --json` inside the lab host, with the host's state recorded before and after. */
export async function doctor(lab: Lab, args: string[] = []): Promise<DoctorRun> {
  return reported(lab, ['doctor', '--json', ...args])
}

/** Any command that prints a report with --json (doctor, plan --check), inside the lab host, with the host's state before and after. */
export async function reported(lab: Lab, argv: string[]): Promise<DoctorRun> {
  const before = await hostState(lab)
  const subprocess = lab.macvlan(argv)
  const result = await subprocess
  const after = await hostState(lab, subprocess.pid)
  if (!result.stdout.startsWith('{')) throw new Error(`${argv[0]} printed no JSON (exit ${result.exitCode}): ${result.stderr}`)
  return {exitCode: result.exitCode ?? -1, report: JSON.parse(result.stdout), before, after}
}

export function outcomeOf(run: DoctorRun, id: string, network?: string): string[] {
  return run.report.checks.filter((check) => check.id === id && (!network || check.subject.network === network)).map((check) => check.outcome)
}
