/** Each broken lab host, built for real: the verdicts `macvlan doctor --json` must give, its exit code, and a host left as it was. */
import {expect, it} from 'vitest'

import {describeOnEngines, doctor, outcomeOf, useScenario} from './harness.js'
import type {ScenarioName} from './scenarios.js'

interface Case {
  scenario: ScenarioName
  args?: string[]
  verdicts: Record<string, string>
  exitCode: number
}

const CASES: Case[] = [
  {scenario: 'no-ip-range', verdicts: {'no-ip-range': 'warn', 'ip-conflict': 'fail', 'host-isolation': 'warn'}, exitCode: 2},
  {scenario: 'dhcp-overlap', args: ['--dhcp-range', '192.168.77.200-192.168.77.220'], verdicts: {'dhcp-overlap': 'fail', 'no-ip-range': 'pass'}, exitCode: 2},
  // The peer probe proves what the mode implies: the two containers cannot reach each other, so the mode, their cause, fails.
  {scenario: 'private-mode', verdicts: {'macvlan-mode': 'fail', 'container-route': 'fail'}, exitCode: 2},
  {scenario: 'published-ports', verdicts: {'ports-ignored': 'warn'}, exitCode: 1},
  {scenario: 'mac-sprawl', verdicts: {'mac-sprawl': 'warn', 'host-isolation': 'pass', 'shim-incomplete': 'pass'}, exitCode: 1},
  {scenario: 'duplicate-mac', verdicts: {'duplicate-mac': 'fail'}, exitCode: 2},
  {scenario: 'mtu-mismatch', verdicts: {'mtu-mismatch': 'warn'}, exitCode: 1},
  // With eth0 a bridge port, web's own address receives nothing: its failing pings follow from container-stacking, which fails with them.
  {scenario: 'container-bridge', verdicts: {'container-stacking': 'fail', 'container-route': 'fail'}, exitCode: 2},
  {scenario: 'shim-not-persistent', verdicts: {'boot-order': 'warn', 'host-isolation': 'pass', 'nm-interference': 'pass'}, exitCode: 1},
]

for (const {scenario, args = [], verdicts, exitCode} of CASES) {
  describeOnEngines(`lab: ${scenario}`, (engine) => {
    const {lab} = useScenario(scenario, engine)

    it(`gives ${Object.entries(verdicts).map(([id, outcome]) => `${id}=${outcome}`).join(', ')} and exit ${exitCode}`, async () => {
      const run = await doctor(lab(), args)
      for (const [id, outcome] of Object.entries(verdicts)) expect(outcomeOf(run, id), id).toContain(outcome)
      expect(run.exitCode).toBe(exitCode)
      expect(run.after).toEqual(run.before)
    })
  })
}
