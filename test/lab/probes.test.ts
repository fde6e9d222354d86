/** The probes against real hosts: what they prove, what they leave behind (nothing), and that they stop in time. */
import {expect, it} from 'vitest'

import {describeOnEngines, doctor, outcomeOf, useScenario} from './harness.js'

describeOnEngines('probes: healthy host', (engine) => {
  const {lab} = useScenario('healthy', engine)

  it('proves every path, lists every packet with its interface, and leaves no probe namespace behind', async () => {
    const run = await doctor(lab())
    expect(run.report.status).toBe('ok')
    const records = (run.report as unknown as {probes: {records: Array<{purpose: string; outcome: string; from: {interface?: string}}>}}).probes.records
    expect(new Set(records.map((record) => record.purpose))).toEqual(
      new Set(['host-to-container', 'host-to-gateway', 'container-to-gateway', 'container-to-host', 'container-to-peer', 'mac-filter-host', 'mac-filter-scratch', 'address-owners', 'dhcp-discover']),
    )
    expect(records.filter((record) => record.purpose !== 'dhcp-discover').every((record) => record.outcome === 'reply')).toBe(true)
    expect(records.filter((record) => record.purpose === 'host-to-container').every((record) => record.from.interface === 'lan-shim')).toBe(true)
    expect(run.report.checks.find((check) => check.id === 'host-isolation')?.message).toMatch(/^Proven: the host reached db, web/)
    expect(run.report.checks.find((check) => check.id === 'mac-filtered')?.message).toMatch(/^Proven: the gateway 192.168.77.1 answered ARP from the throw-away MAC/)
    expect(run.report.checks.find((check) => check.id === 'dhcp-overlap')?.message).toMatch(/^Proven: 192\.168\.77\.1 offered nothing inside 192\.168\.77\.192\/27/)
    expect(run.after).toEqual(run.before)
  })

  it('sends nothing with --no-probe', async () => {
    const run = await doctor(lab(), ['--no-probe'])
    expect((run.report as unknown as {probes?: unknown}).probes).toBeUndefined()
  })
})

describeOnEngines('probes: upstream MAC filtering', (engine) => {
  const {lab} = useScenario('mac-filtered', engine)

  it('fails mac-filtered (the throw-away MAC gets no ARP answer, the host does), and containers cannot reach the gateway at L2', async () => {
    const run = await doctor(lab())
    expect(outcomeOf(run, 'mac-filtered')).toEqual(['fail'])
    expect(run.report.checks.find((check) => check.id === 'mac-filtered')?.message).toContain('Frames from extra MACs are dropped upstream of eth1')
    const route = run.report.checks.filter((check) => check.id === 'container-route')
    expect(route.map((check) => check.outcome)).toEqual(['fail', 'fail'])
    expect(route[0]?.message).toContain('no reply (L2: ARP unresolved')
    expect(outcomeOf(run, 'host-isolation')).toEqual(['pass'])
    expect(run.exitCode).toBe(2)
  })
})

describeOnEngines('probes: a LAN device holds a container address', (engine) => {
  const {lab} = useScenario('ip-conflict', engine)

  it('fails ip-conflict with both MACs that answer for the address, attributed to the container', async () => {
    const run = await doctor(lab())
    const check = run.report.checks.find((candidate) => candidate.id === 'ip-conflict')
    expect(check?.outcome).toBe('fail')
    expect(check?.message).toMatch(/192\.168\.77\.192 \(container web\) is answered by 2 MACs/)
    expect(check?.fix?.commands).toEqual(['docker network disconnect lan web', 'docker network connect --ip 192.168.77.222 lan web'])
  })
})

describeOnEngines('probes: DHCP pool inside Docker range', (engine) => {
  const {lab} = useScenario('dhcp-overlap', engine)

  it('proves dhcp-overlap from a real OFFER, with no --dhcp-range given', async () => {
    const run = await doctor(lab())
    const check = run.report.checks.find((candidate) => candidate.id === 'dhcp-overlap')
    expect(check?.outcome).toBe('fail')
    expect(check?.message).toMatch(/^Proven: the DHCP server 192\.168\.77\.1 offered 192\.168\.77\.2[0-2]\d(, 192\.168\.77\.2[0-2]\d)*, inside Docker's range 192\.168\.77\.192\/27/)
  })
})

describeOnEngines('probes: a second DHCP server on the LAN', (engine) => {
  const {lab} = useScenario('second-dhcp-server', engine)

  it('warns dhcp-servers and names both servers', async () => {
    const run = await doctor(lab())
    const check = run.report.checks.find((candidate) => candidate.id === 'dhcp-servers')
    expect(check?.outcome).toBe('warn')
    expect(check?.message).toMatch(/^2 DHCP servers answer on eth1 \(192\.168\.77\.1 offering 192\.168\.77\.1\d\d(, 192\.168\.77\.1\d\d)*; 192\.168\.77\.250 offering 192\.168\.77\.1[67]\d(, 192\.168\.77\.1[67]\d)*\)/)
    expect(run.after).toEqual(run.before)
  })
})

describeOnEngines('probes: a second Docker host with the same range holds a container address', (engine) => {
  const {lab} = useScenario('second-docker-host', engine)

  it('never takes the twin\'s reply as proof that the host reaches web, and fails ip-conflict when the twin answers', async () => {
    // The LAN bridge learns the shared MAC from whichever host sent last, so the twin does not answer every ping.
    let answered = 0
    for (let run = 0; run < 3; run++) {
      const result = await doctor(lab())
      const records = (result.report as unknown as {probes: {records: Array<{purpose: string; container?: string; outcome: string}>}}).probes.records
      const replied = records.some((record) => record.purpose === 'host-to-container' && record.container === 'web' && record.outcome === 'reply')
      const isolation = result.report.checks.find((check) => check.id === 'host-isolation')
      expect(isolation?.outcome).toBe('warn')
      if (!replied) continue
      answered++
      expect(isolation?.message).toContain("but through eth1 itself, which the container's own link never answers: another device holds 192.168.77.192")
      expect(result.report.checks.find((check) => check.id === 'ip-conflict')?.message).toContain("192.168.77.192 (container web) answered the host's ping through eth1 itself")
      expect(result.exitCode).toBe(2)
    }
    expect(answered).toBeGreaterThan(0)
  })
})
