/** Lab hosts with one fault and several symptoms: the report must name that one cause, and count one problem. */
import {expect, it} from 'vitest'

import {describeOnEngines, doctor, useScenario} from './harness.js'
import type {ScenarioName} from './scenarios.js'

interface Case {
  scenario: ScenarioName
  /** The check that is the fault, and where. */
  root: {id: string; subject: Record<string, string>}
  /** Checks the fault must show up in, each explained by it. */
  consequences: string[]
}

const CASES: Case[] = [
  {scenario: 'parent-down', root: {id: 'parent-down', subject: {network: 'lan', interface: 'eth1'}}, consequences: ['host-isolation', 'container-route']},
  {scenario: 'parent-no-carrier', root: {id: 'parent-down', subject: {network: 'lan', interface: 'eth1'}}, consequences: ['host-isolation', 'container-route']},
  {scenario: 'mac-filtered', root: {id: 'mac-filtered', subject: {interface: 'eth1'}}, consequences: ['container-route']},
  {scenario: 'subnet-off-lan', root: {id: 'subnet-mismatch', subject: {network: 'lan', interface: 'eth1'}}, consequences: ['container-route', 'gateway-missing']},
  {scenario: 'gateway-silent', root: {id: 'gateway-missing', subject: {network: 'lan'}}, consequences: ['container-route']},
]

for (const {scenario, root, consequences} of CASES) {
  describeOnEngines(`lab: ${scenario}`, (engine) => {
    const {lab} = useScenario(scenario, engine)

    it(`fails ${root.id} as the one problem, explaining ${consequences.join(' and ')}; exit 2`, async () => {
      const run = await doctor(lab())
      const problems = run.report.checks.filter((check) => check.outcome === 'fail' || check.outcome === 'warn')
      const cause = problems.filter((check) => check.id === root.id)
      expect(cause).toEqual([expect.objectContaining({...root, outcome: 'fail'})])
      expect(cause[0]?.causedBy).toBeUndefined()
      const others = problems.filter((check) => check.id !== root.id)
      for (const check of others) {
        expect(check.causedBy, `${check.id} ${JSON.stringify(check.subject)}: ${check.message}`).toEqual([root])
        expect(check.fix, `${check.id} leaves the fix to ${root.id}`).toBeUndefined()
      }
      expect(others.length).toBeGreaterThanOrEqual(2)
      for (const id of consequences) expect(others.map((check) => check.id)).toContain(id)
      expect(run.report.problems).toBe(1)
      expect(run.exitCode).toBe(2)
      expect(run.after).toEqual(run.before)
    })

    it(`names ${root.id} as the one problem on the first line of the Nagios, table and Markdown output`, async () => {
      const where = root.subject.interface ?? root.subject.network
      const named = `1 problem: ${root.id} \\(${where}\\)`
      // The DHCP window is left short: no verdict here depends on a DHCP offer.
      const nagios = await lab().macvlan(['doctor', '--format', 'nagios', '--dhcp-timeout', '1000'])
      expect(nagios.stdout.split('\n')[0]).toMatch(new RegExp(`^MACVLAN CRITICAL - ${named} \\(`))
      expect(nagios.exitCode).toBe(2)
      const table = await lab().macvlan(['doctor', '--dhcp-timeout', '1000'])
      expect(table.stdout.split('\n')[0]).toMatch(new RegExp(`^# status: FAIL, ${named} \\(`))
      expect(table.exitCode).toBe(2)
      const markdown = await lab().macvlan(['doctor', '--format', 'markdown', '--dhcp-timeout', '1000'])
      expect(markdown.stdout.split('\n')[0]).toMatch(new RegExp(`^# macvlan doctor: FAIL on \`[^\`]+\`, ${named}$`))
      expect(markdown.exitCode).toBe(2)
    })
  })
}
