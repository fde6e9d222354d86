/** The probes against real hosts: what they prove, what they leave behind (nothing), and that they stop in time. */
import {expect, it} from 'vitest'

import {describeOnEngines, doctor, outcomeOf, useScenario} from './harness.js'
import {TWIN_MAC} from './scenarios.js'

/** Docker (before 28) derives a container's MAC from its address: web's, 192.168.77.192, and its twin's on the other host. */
const WEB_MAC = '02:42:c0:a8:4d:c0'

describeOnEngines('probes: healthy host', (engine) => {
  const {lab} = useScenario('healthy', engine)

  it('proves every path, lists every packet with its interface, and leaves no probe namespace behind', async () => {
    const run = await doctor(lab())
    expect(run.report.status).toBe('ok')
    const records = (run.report as unknown as {probes: {records: Array<{purpose: string; outcome: string; from: {interface?: string}}>}}).probes.records
    expect(new Set(records.map((record) => record.purpose))).toEqual(
      new Set(['host-to-container', 'host-to-gateway', 'container-to-gateway', 'container-to-host', 'container-to-peer', 'mac-filter-host', 'mac-filter-scratch', 'address-owners', 'dhcp-discover', 'duplicate-address']),
    )
    expect(records.filter((record) => record.purpose !== 'dhcp-discover' && record.purpose !== 'duplicate-address').every((record) => record.outcome === 'reply')).toBe(true)
    // Nobody else holds a container's address: from the parent and from inside each container, one request each.
    expect(records.filter((record) => record.purpose === 'duplicate-address').map((record) => `${record.from.interface} ${record.outcome}`).sort()).toEqual(['eth0 no-reply', 'eth0 no-reply', 'eth1 no-reply', 'eth1 no-reply'])
    expect(records.filter((record) => record.purpose === 'host-to-container').every((record) => record.from.interface === 'lan-shim')).toBe(true)
    expect(run.report.checks.find((check) => check.id === 'host-isolation')?.message).toMatch(/^Proven: the host reached db, web/)
    expect(run.report.checks.find((check) => check.id === 'mac-filtered')?.message).toMatch(/^Proven: the gateway 192.168.77.1 answered ARP from the throw-away MAC/)
    expect(run.report.checks.find((check) => check.id === 'dhcp-overlap')?.message).toMatch(/^Proven: 192\.168\.77\.1 offered nothing inside 192\.168\.77\.192\/27/)
    expect(run.after).toEqual(run.before)
  })

  it('proves on every run, by duplicate address detection, that nobody else holds a container address (no false alarm)', async () => {
    for (let run = 0; run < 3; run++) {
      const result = await doctor(lab())
      expect(result.report.checks.find((check) => check.id === 'ip-conflict')).toMatchObject({
        outcome: 'pass',
        message: "Proven by duplicate address detection: no other device answered for 192.168.77.193 (db), 192.168.77.192 (web), asked 2 times each with sender 0.0.0.0 from eth1 (the host's own MAC, which the containers never hear, and the gateway answered it) and from inside each container.",
      })
      expect(result.exitCode).toBe(0)
    }
  }, 600_000)

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

  it('fails ip-conflict with the MAC of the LAN device that answers for the address, attributed to the container', async () => {
    const run = await doctor(lab())
    const check = run.report.checks.find((candidate) => candidate.id === 'ip-conflict')
    expect(check?.outcome).toBe('fail')
    expect(check?.message).toMatch(/192\.168\.77\.192 \(container web\) is also held by [0-9a-f:]{17}: proven by duplicate address detection \(ARP with sender 0\.0\.0\.0\) from eth1 \(the host's own MAC, which the container never hears\) and from inside container web's own namespace/)
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

describeOnEngines('probes: a second Docker host with the same range holds a container address, with the same MAC', (engine) => {
  const {lab} = useScenario('second-docker-host', engine)

  it('fails ip-conflict on every run, naming web and the twin\'s MAC (web\'s own), proven by DAD from the parent; never takes the twin\'s reply as the host reaching web', async () => {
    for (let run = 0; run < 3; run++) {
      const result = await doctor(lab())
      const conflict = result.report.checks.find((check) => check.id === 'ip-conflict')
      expect(conflict?.outcome).toBe('fail')
      expect(conflict?.message).toContain(`192.168.77.192 (container web) is also held by ${WEB_MAC}: proven by duplicate address detection (ARP with sender 0.0.0.0) from eth1 (the host's own MAC, which the container never hears)`)
      expect(conflict?.message).toContain("that is web's own MAC, as a container of a second Docker host with the same range gets it")
      expect((conflict?.fix as {summary?: string} | undefined)?.summary).toMatch(/^Find the other holder of the address by its MAC 02:42:c0:a8:4d:c0: .*look for another Docker host on this LAN/)
      expect(result.report.checks.find((check) => check.id === 'host-isolation')?.outcome).toBe('warn')
      expect(result.report.checks.find((check) => check.id === 'host-isolation')?.message).not.toMatch(/Proven/)
      expect(result.exitCode).toBe(2)
    }
  }, 600_000)
})

describeOnEngines('probes: a second Docker host with the same range holds a container address, with a MAC of its own', (engine) => {
  const {lab} = useScenario('second-docker-host-own-mac', engine)

  it('fails ip-conflict naming web and the twin\'s MAC, answered to DAD from the parent and from inside web', async () => {
    const result = await doctor(lab())
    const conflict = result.report.checks.find((check) => check.id === 'ip-conflict')
    expect(conflict?.outcome).toBe('fail')
    expect(conflict?.message).toContain(`192.168.77.192 (container web) is also held by ${TWIN_MAC}: proven by duplicate address detection (ARP with sender 0.0.0.0) from eth1 (the host's own MAC, which the container never hears) and from inside container web's own namespace`)
    expect(result.exitCode).toBe(2)
    expect(result.after).toEqual(result.before)
  })
})
