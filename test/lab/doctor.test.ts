/** The built CLI against real broken hosts: verdicts, exit codes, and a host left exactly as it was. */
import {expect, it} from 'vitest'

import {describeOnEngines, doctor, outcomeOf, useScenario} from './harness.js'

describeOnEngines('lab: healthy host', (engine) => {
  const {lab} = useScenario('healthy', engine)

  it('gives no warning or failure, exit 0, and changes nothing on the host', async () => {
    const run = await doctor(lab())
    expect(run.report.checks.filter((check) => check.outcome === 'warn' || check.outcome === 'fail')).toEqual([])
    expect(run.report.status).toBe('ok')
    expect(run.exitCode).toBe(0)
    expect(run.after).toEqual(run.before)
  })

  it('collects both containers from inside their namespaces', async () => {
    const result = await lab().macvlan(['collect', '-o', '-'])
    const snapshot = JSON.parse(result.stdout)
    const views = Object.values(snapshot.containerViews.data) as Array<{data?: {links: Array<{name: string; kind?: string}>}}>
    expect(views).toHaveLength(2)
    for (const view of views) expect(view.data?.links).toContainEqual(expect.objectContaining({name: 'eth0', kind: 'macvlan'}))
  })

  it('collects each of the host\'s routes once, IPv4 and IPv6 alike', async () => {
    const routes = JSON.parse((await lab().macvlan(['collect', '-o', '-'])).stdout).routes.data as Array<Record<string, unknown>>
    // A route is the same route whatever detail (scope, protocol) one listing adds.
    const keys = routes.map(({table, type, dst, dev, metric}) => [table, type, dst, dev, metric].join(' '))
    expect(keys.filter((key, index) => keys.indexOf(key) !== index)).toEqual([])
    expect(keys).toContain('main unicast fe80::/64 lan-shim 256')
    expect(keys).toContain('main unicast 192.168.77.192/27 lan-shim ')
  })
})

describeOnEngines('lab: host isolation', (engine) => {
  const {lab} = useScenario('host-isolation', engine)

  it('warns host-isolation, exit 1, and its shim commands really give the host a path', async () => {
    const run = await doctor(lab())
    expect(outcomeOf(run, 'host-isolation', 'lan')).toEqual(['warn'])
    expect(run.exitCode).toBe(1)
    expect(run.after).toEqual(run.before)
    const commands = run.report.checks.find((check) => check.id === 'host-isolation')?.fix?.commands ?? []
    for (const command of commands) await lab().host(command.split(' '))
    expect((await lab().host(['ping', '-c1', '-W2', '192.168.77.192'], {reject: false})).exitCode).toBe(0)
    const after = await doctor(lab())
    expect(outcomeOf(after, 'host-isolation', 'lan')).toEqual(['pass'])
    expect(outcomeOf(after, 'shim-incomplete', 'lan')).toEqual(['pass'])
  })
})

describeOnEngines('lab: shim without route', (engine) => {
  const {lab} = useScenario('shim-without-route', engine)

  it('fails shim-incomplete and asks only for the route', async () => {
    const run = await doctor(lab())
    expect(outcomeOf(run, 'shim-incomplete', 'lan')).toEqual(['fail'])
    expect(run.report.checks.find((check) => check.id === 'shim-incomplete')?.fix?.commands).toEqual(['ip route add 192.168.77.192/27 dev lan-shim'])
    expect(run.exitCode).toBe(2)
  })
})

describeOnEngines('lab: parent administratively down', (engine) => {
  const {lab} = useScenario('parent-down', engine)

  it('fails parent-down with `ip link set eth1 up`, exit 2, host unchanged', async () => {
    const run = await doctor(lab())
    expect(outcomeOf(run, 'parent-down', 'lan')).toEqual(['fail'])
    const check = run.report.checks.find((candidate) => candidate.id === 'parent-down') as unknown as {fix: {commands: string[]}; evidence: {facts: {probes: string[]}}}
    expect(check.fix.commands).toEqual(['ip link set eth1 up'])
    // The containers' own pings to the gateway are the proof that everything on eth1 is cut off.
    expect(check.evidence.facts.probes).toEqual(expect.arrayContaining([expect.stringMatching(/^web → 192\.168\.77\.1: no reply/)]))
    expect(run.exitCode).toBe(2)
    expect(run.after).toEqual(run.before)
  })
})

describeOnEngines('lab: parent without carrier', (engine) => {
  const {lab} = useScenario('parent-no-carrier', engine)

  it('fails parent-down and says the carrier is missing', async () => {
    const run = await doctor(lab())
    const check = run.report.checks.find((candidate) => candidate.id === 'parent-down')
    expect(check?.outcome).toBe('fail')
    expect(check?.message).toContain('up but without carrier')
    expect(run.exitCode).toBe(2)
  })
})

describeOnEngines('lab: parent removed', (engine) => {
  const {lab} = useScenario('parent-missing', engine)

  it('fails parent-missing for the network on eth2 and proposes eth1', async () => {
    const run = await doctor(lab())
    expect(outcomeOf(run, 'parent-missing', 'lan2')).toEqual(['fail'])
    expect(run.report.checks.find((check) => check.id === 'parent-missing')?.fix?.commands.find((command) => command.startsWith('docker network create'))).toContain('-o parent=eth1')
    expect(run.exitCode).toBe(2)
    expect(run.after).toEqual(run.before)
  })

  it('--network limits the report to that network', async () => {
    const run = await doctor(lab(), ['--network', 'lan2'])
    // Host-wide checks (platform, kernel, per-parent MAC counts) name no network; every other check is about lan2.
    const networks = run.report.checks.flatMap((check) => check.subject.network ?? [])
    expect(new Set(networks)).toEqual(new Set(['lan2']))
  })
})

describeOnEngines('lab: what Docker itself refuses', (engine) => {
  const {lab} = useScenario('healthy', engine)

  it('rejects a gateway outside the subnet with its exact error', async () => {
    const result = await lab().docker(['network', 'create', '-d', 'macvlan', '-o', 'parent=eth1', '--subnet=192.168.77.0/24', '--gateway=192.168.99.1', 'bad'], {reject: false})
    expect(result.exitCode).not.toBe(0)
    expect(result.stderr).toContain('no matching subnet for gateway 192.168.99.1')
  })

  it('refuses a second macvlan network on the same parent (Engine 20.10; allowed from 27.1), and an overlapping pool first', async () => {
    const overlapping = await lab().docker(['network', 'create', '-d', 'macvlan', '-o', 'parent=eth1', '--subnet=192.168.77.128/25', 'second'], {reject: false})
    expect(overlapping.stderr).toContain('Pool overlaps with other one on this address space')
    const sameParent = await lab().docker(['network', 'create', '-d', 'macvlan', '-o', 'parent=eth1', '--subnet=192.168.88.0/24', 'second'], {reject: false})
    expect(sameParent.exitCode).not.toBe(0)
    expect(sameParent.stderr).toMatch(/network dm-[0-9a-f]+ is already using parent interface eth1/)
  })
})

describeOnEngines('lab: duplicate MAC', (engine) => {
  const {lab} = useScenario('duplicate-mac', engine)

  it('leaves the second container in Created state, as the kernel refuses its MAC', async () => {
    const result = await lab().macvlan(['collect', '-o', '-'])
    const containers = JSON.parse(result.stdout).containers.data as Array<{name: string; status: string}>
    expect(containers.map((container) => [container.name, container.status])).toEqual([
      ['first', 'running'],
      ['second', 'created'],
    ])
  })
})
