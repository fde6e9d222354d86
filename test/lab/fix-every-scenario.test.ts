/** `macvlan fix --apply` on every lab host: whatever it does, it never leaves a check failing that did not fail before. */
import {describe, expect, it} from 'vitest'

import type {FixOutcome} from '../../src/fix/render.js'
import {doctor, hostState, labSkipped, useScenario, type DoctorRun} from './harness.js'
import {SCENARIOS, type ScenarioName} from './scenarios.js'

/** The lab host's links, addresses and routes (the machine's namespace list also holds other labs running meanwhile). */
const labHost = async (lab: Parameters<typeof hostState>[0]) => {
  const {links, addresses, routes} = await hostState(lab)
  return {links, addresses, routes}
}

const failing = (run: DoctorRun) => run.report.checks.filter((check) => check.outcome === 'fail').map((check) => `${check.id} ${JSON.stringify(check.subject)}`)

// One lab per scenario, a few at a time (each mostly waits on probes), each scenario's steps in order.
for (const scenario of Object.keys(SCENARIOS) as ScenarioName[]) {
  describe.skipIf(labSkipped).concurrent(`lab: fix --apply on ${scenario}`, () => {
    describe.sequential('', () => {
      const {lab} = useScenario(scenario)

      it('creates no failing check, names as failing still only what failed before, and a rollback leaves the host as it was', async () => {
        const before = await doctor(lab())
        const state = await labHost(lab())
        const result = await lab().macvlan(['fix', '--apply', '--yes', '--format', 'json'])
        const outcome = result.stdout.startsWith('{') ? (JSON.parse(result.stdout) as FixOutcome) : undefined
        expect(outcome, result.stderr).toBeDefined()
        if (outcome?.apply?.result === 'rolled-back') expect(await labHost(lab())).toEqual(state)
        expect(outcome?.apply?.result).not.toBe('rollback-incomplete')
        expect((outcome?.apply?.remaining ?? []).filter((entry) => entry.outcome === 'fail' && entry.before !== 'fail')).toEqual([])
        const after = await doctor(lab())
        const created = failing(after).filter((check) => !failing(before).includes(check))
        expect(created).toEqual([])
      })
    })
  })
}
