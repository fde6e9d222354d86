/**
 * The single executable and the container image, each run on a real broken lab host, give the verdicts that
 * `macvlan doctor` run directly there gives. The image is built the way CI can: its base from Debian packages
 * (scripts/image-base.sh), imported into the lab's own dockerd, the root Dockerfile built there with the legacy builder
 * and no network, and run as the README says, against that dockerd and with the lab host's /etc mounted.
 */
import {execFileSync} from 'node:child_process'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {execa} from 'execa'
import {beforeAll, expect, it} from 'vitest'

import {buildSea} from '../../scripts/sea.js'
import {describeOnEngines, hostState, labSkipped, useScenario} from './harness.js'
import type {Lab} from './lab.js'
import type {ScenarioName} from './scenarios.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const IMAGE = 'macvlan-doctor:lab'
/**
 * The least a doctor run with probes needs beyond Docker's default set (which has NET_RAW for ping and arping):
 * NET_ADMIN for the throw-away macvlan, SYS_ADMIN for its namespace (`ip netns add` mounts) and for entering the
 * containers'. Without either, probes are skipped with the reason and the verdicts they would prove are not given.
 */
const CAPABILITIES = ['NET_ADMIN', 'SYS_ADMIN']

let sea = ''
let baseTarball = ''
beforeAll(() => {
  if (labSkipped) return
  sea = buildSea()
  baseTarball = execFileSync('bash', [join(ROOT, 'scripts', 'image-base.sh')], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit']}).trim()
}, 600_000)

interface Verdicts {
  exitCode: number
  checks: string[]
  icmpFallback?: string
}

function verdictsOf(result: {exitCode?: number; stdout: string; stderr: string}): Verdicts {
  if (!result.stdout.startsWith('{')) throw new Error(`no JSON report (exit ${result.exitCode}): ${result.stderr}`)
  const report = JSON.parse(result.stdout) as {checks: Array<{id: string; outcome: string; subject: Record<string, string>}>; probes?: {icmpFallback?: string}}
  const checks = report.checks.map((check) => `${check.id} ${JSON.stringify(check.subject)} ${check.outcome}`).sort()
  return {exitCode: result.exitCode ?? -1, checks, ...(report.probes?.icmpFallback ? {icmpFallback: report.probes.icmpFallback} : {})}
}

async function buildImage(lab: Lab): Promise<void> {
  await lab.docker(['import', baseTarball, 'macvlan-doctor-base:lab'])
  // The lab's dockerd has no bridge: the base already holds the packages, so the build needs no network.
  await execa(lab.engineDocker, ['build', '--network', 'none', '--build-arg', 'BASE=macvlan-doctor-base:lab', '-t', IMAGE, ROOT], {
    env: {DOCKER_HOST: lab.dockerHost, DOCKER_BUILDKIT: '0'},
  })
}

/** The README's command, with this lab's socket and its host's /etc/systemd in place of the machine's. */
function runImage(lab: Lab, args: string[], capabilities = CAPABILITIES) {
  const socket = lab.dockerHost.slice('unix://'.length)
  return lab.docker(
    [
      'run', '--rm', '--net', 'host', '--pid', 'host',
      ...capabilities.flatMap((capability) => ['--cap-add', capability]),
      '-v', `${socket}:/var/run/docker.sock`, '-v', '/etc:/host/etc:ro', '-v', `${lab.etcSystemd}:/host/etc/systemd:ro`, '-v', '/run:/host/run:ro',
      IMAGE, ...args,
    ],
    {reject: false},
  )
}

const SCENARIOS: ScenarioName[] = ['host-isolation', 'shim-not-persistent']

for (const scenario of SCENARIOS) {
  describeOnEngines(
    `single executable and image: ${scenario}`,
    (engine) => {
      const {lab} = useScenario(scenario, engine)
      let direct: Verdicts

      it('the CLI run directly gives the reference verdicts', async () => {
        direct = verdictsOf(await lab().macvlan(['doctor', '--json']))
        expect(direct.checks.some((check) => / (fail|warn)$/.test(check))).toBe(true)
      })

      it('the single executable gives the same verdicts, and says why host ICMP went by ping', async () => {
        const before = await hostState(lab())
        const run = verdictsOf(await lab().macvlan(['doctor', '--json'], {program: [sea]}))
        expect(run.checks).toEqual(direct.checks)
        expect(run.exitCode).toBe(direct.exitCode)
        expect(run.icmpFallback).toBe('the single executable has no raw-socket addon')
        expect(await hostState(lab())).toEqual(before)
      })

      it('the image, built in the lab from the Dockerfile, gives the same verdicts', async () => {
        await buildImage(lab())
        const before = await hostState(lab())
        const run = verdictsOf(await runImage(lab(), ['doctor', '--json']))
        expect(run.checks).toEqual(direct.checks)
        expect(run.exitCode).toBe(direct.exitCode)
        expect(await hostState(lab())).toEqual(before)
      }, 600_000)

      it('without SYS_ADMIN, says which probes could not run instead of judging without them', async () => {
        const report = JSON.parse((await runImage(lab(), ['doctor', '--json'], ['NET_ADMIN'])).stdout) as {probes: {skipped: Array<{reason: string}>}; checks: Array<{id: string; outcome: string}>}
        expect(report.probes.skipped.map((skip) => skip.reason).join('\n')).toMatch(/ip netns add .* failed/)
        expect(report.checks.filter((check) => check.id === 'dhcp-servers').map((check) => check.outcome)).toEqual(['skip'])
      })
    },
    ['20.10'],
  )
}
