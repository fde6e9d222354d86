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
    expect(outcomeOf(run, 'slaac-address')).toEqual(['pass', 'pass'])
    expect(outcomeOf(run, 'ra-route-race')).toEqual(['pass', 'pass'])
    expect(run.report.checks.find((check) => check.id === 'ra-route-race' && check.subject.container === 'web')?.message).toMatch(/^web's two IPv6 default routes lead to the same router \([0-9a-f:]{17}\): Docker's via fd77::1 and the one its advertisements gave, via fe80::/)
    expect(outcomeOf(run, 'host-accept-ra')).toEqual(['pass'])
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

describeOnEngines('lab: dual-stack network beside a second IPv6 router that advertises another prefix', (engine) => {
  const {lab} = useScenario('ipv6-foreign-router', engine)

  it('warns about the SLAAC address from the foreign prefix and the second default route, naming both routers, while the gateway passes', async () => {
    const run = await doctor(lab())
    const slaac = run.report.checks.filter((check) => check.id === 'slaac-address')
    expect(slaac.map((check) => [check.subject.container, check.outcome])).toEqual([
      ['db', 'warn'],
      ['web', 'warn'],
    ])
    expect(slaac[1]?.message).toMatch(/^web configured fd78::[0-9a-f:]+\/64 on eth0 by SLAAC from a router advertising fd78::\/64 on lan, whose IPv6 subnet is fd77::\/64: it is reachable at an address Docker does not manage/)
    const race = run.report.checks.filter((check) => check.id === 'ra-route-race')
    expect(race.map((check) => [check.subject.container, check.outcome])).toEqual([
      ['db', 'warn'],
      ['web', 'warn'],
    ])
    expect(race[1]?.message).toMatch(/^web has two IPv6 default routes through different routers: Docker's via fd77::1 \(([0-9a-f:]{17})\) and one learned from the advertisements of fe80::[0-9a-f:]+ \((?!\1)[0-9a-f:]{17}\)\./)
    expect(outcomeOf(run, 'gateway-ipv6')).toEqual(['pass', 'pass'])
    expect(outcomeOf(run, 'host-accept-ra')).toEqual(['pass'])
    expect(run.exitCode).toBe(1)
    expect(run.after).toEqual(run.before)
  })
})

describeOnEngines('lab: dual-stack host that turned IPv6 forwarding on', (engine) => {
  const {lab} = useScenario('host-forwarding', engine)

  it('fails host-accept-ra on the parent whose advertisements the kernel now ignores, with accept_ra=2 as the fix', async () => {
    const run = await doctor(lab())
    const check = run.report.checks.find((candidate) => candidate.id === 'host-accept-ra')
    expect(check?.outcome).toBe('fail')
    expect(check?.subject.interface).toBe('eth1')
    expect(check?.message).toMatch(/^IPv6 forwarding is on \(net\.ipv6\.conf\.all\.forwarding=1; Docker turns it on when a network uses IPv6\) and net\.ipv6\.conf\.eth1\.accept_ra=1, net\.ipv6\.conf\.lan-shim\.accept_ra=1: the kernel ignores router advertisements on eth1, lan-shim, so the host has lost the IPv6 default route it learned from them \(the kernel drops such routes when forwarding comes on\) and learns none again; it still holds fd77::/)
    expect(check?.fix?.commands).toContain('sysctl -w net.ipv6.conf.eth1.accept_ra=2')
    expect(run.report.checks.filter((candidate) => candidate.id !== 'host-accept-ra' && (candidate.outcome === 'warn' || candidate.outcome === 'fail'))).toEqual([])
    expect(run.exitCode).toBe(2)
  })
})

describeOnEngines('lab: dual-stack network whose IPv6 router drops echo requests', (engine) => {
  const {lab} = useScenario('ipv6-echo-filtered', engine)

  it('leaves gateway-ipv6 unproven rather than failed, naming the MAC that answered neighbour discovery, and raises no alarm', async () => {
    const run = await doctor(lab())
    const gateway = run.report.checks.filter((check) => check.id === 'gateway-ipv6')
    expect(gateway.map((check) => [check.subject.container, check.outcome])).toEqual([
      ['db', 'skip'],
      ['web', 'skip'],
    ])
    expect(gateway[1]?.message).toMatch(/^Not proven: web → fd77::1: no reply \(L3: neighbour discovery resolved, but no ICMP reply\), yet [0-9a-f:]{17} answered its neighbour solicitations for fd77::1/)
    expect(run.report.checks.filter((check) => check.outcome === 'warn' || check.outcome === 'fail')).toEqual([])
    expect(run.exitCode).toBe(3)
  })
})
