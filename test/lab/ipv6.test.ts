/** Dual-stack macvlan hosts, built for real: with an IPv6 router on the LAN (radvd) and without one. */
import {expect, it} from 'vitest'

import {describeOnEngines, doctor, outcomeOf, useScenario} from './harness.js'

describeOnEngines('lab: dual-stack network with an IPv6 router', (engine) => {
  const {lab} = useScenario('dual-stack', engine)

  it('passes every check, proves the IPv6 gateway with an echo from each container, and changes nothing', async () => {
    const run = await doctor(lab())
    expect(run.report.checks.filter((check) => check.outcome === 'warn' || check.outcome === 'fail')).toEqual([])
    const gateway = run.report.checks.filter((check) => check.id === 'gateway-ipv6')
    expect(gateway.map((check) => [check.subject.container, check.outcome])).toEqual([
      ['db', 'pass'],
      ['web', 'pass'],
    ])
    expect(gateway[1]?.message).toMatch(/^web routes IPv6 via its gateway fd77::1\. Proven: web → fd77::1: reply in [\d.]+ ms\.$/)
    expect(run.exitCode).toBe(0)
    expect(run.after).toEqual(run.before)
  })
})

describeOnEngines('lab: dual-stack network whose IPv6 gateway does not exist', (engine) => {
  const {lab} = useScenario('ipv6-gateway-missing', engine)

  it('fails gateway-ipv6 for each container with the gateway named, exit 2, while IPv4 passes', async () => {
    const run = await doctor(lab())
    const gateway = run.report.checks.filter((check) => check.id === 'gateway-ipv6')
    expect(gateway.map((check) => [check.subject.container, check.outcome])).toEqual([
      ['db', 'fail'],
      ['web', 'fail'],
    ])
    expect(gateway[1]?.message).toContain('web cannot reach its IPv6 gateway fd77::1: web → fd77::1: no reply (L2: neighbour discovery unresolved')
    expect(outcomeOf(run, 'container-route')).toEqual(['pass', 'pass'])
    expect(run.exitCode).toBe(2)
    expect(run.after).toEqual(run.before)
  })
})
