/**
 * `doctor --save` on a real broken host, then `doctor --from` the bundle it wrote, away from the host: every verdict,
 * message, piece of evidence and fix comes back as the live run gave it, for verdicts proven by ICMP, ARP and DHCP
 * alike, and the replay says its probes were not its own.
 */
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {execa} from 'execa'
import {expect, it} from 'vitest'

import {describeOnEngines, doctor, useScenario} from './harness.js'
import type {ScenarioName} from './scenarios.js'

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

/** Each scenario with the checks its probes decide, and the probe kind that decides each. */
const CASES: Array<{scenario: ScenarioName; proven: Record<string, {outcome: string; kind: 'icmp' | 'arp' | 'dhcp'}>}> = [
  {scenario: 'dhcp-overlap', proven: {'dhcp-overlap': {outcome: 'fail', kind: 'dhcp'}, 'host-isolation': {outcome: 'warn', kind: 'icmp'}}},
  {scenario: 'mac-filtered', proven: {'mac-filtered': {outcome: 'fail', kind: 'arp'}, 'container-route': {outcome: 'fail', kind: 'icmp'}}},
]

for (const {scenario, proven} of CASES) {
  describeOnEngines(`bundle: ${scenario}`, (engine) => {
    const {lab} = useScenario(scenario, engine)

    it(`replays ${Object.keys(proven).join(', ')} as the live run proved them`, async () => {
      const path = join(mkdtempSync(join(tmpdir(), 'mvd-bundle-lab-')), 'bundle.json')
      const live = await doctor(lab(), ['--save', path])
      const bundle = JSON.parse(readFileSync(path, 'utf8'))
      for (const [id, {outcome, kind}] of Object.entries(proven)) {
        expect(live.report.checks.filter((check) => check.id === id).map((check) => check.outcome), id).toContain(outcome)
        expect(bundle.probes.records.some((record: {kind: string}) => record.kind === kind), kind).toBe(true)
      }
      // The replay runs outside the lab, with no Docker to reach: everything it says comes from the bundle.
      const replay = await execa(process.execPath, [BIN, 'doctor', '--json', '--from', path], {reject: false, env: {DOCKER_HOST: 'unix:///nonexistent/docker.sock'}})
      const replayed = JSON.parse(replay.stdout)
      expect(replayed.checks).toEqual(live.report.checks)
      expect(replayed.probes).toEqual((live.report as unknown as {probes: unknown}).probes)
      expect(replayed.status).toBe(live.report.status)
      expect(replay.exitCode).toBe(live.exitCode)
      expect(replayed.source).toMatchObject({kind: 'replay', replayedProbes: {savedAt: bundle.savedAt, sentAt: bundle.probes.startedAt}})
      expect((live.report as unknown as {source: {replayedProbes?: unknown}}).source.replayedProbes).toBeUndefined()
    })
  })
}
