/** `macvlan fleet` over the bundles two real Docker hosts on one LAN saved with `doctor --save`. */
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {execa} from 'execa'
import {expect, it} from 'vitest'

import {describeOnEngines, useScenario} from './harness.js'

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

describeOnEngines('fleet: two Docker hosts on one LAN with the same --ip-range', (engine) => {
  const {lab} = useScenario('second-docker-host', engine)

  it("fails the overlap of the two hosts' ranges, naming both, from the bundle each saved", async () => {
    const [first, second] = [join(lab().dir, 'dockerhost1.json'), join(lab().dir, 'dockerhost2.json')]
    // Each host saves its own bundle, as the Ansible or cron recipe has it run there.
    const saved = [await lab().macvlan(['doctor', '--save', first], {hostname: 'dockerhost1'}), await lab().macvlan(['doctor', '--save', second], {hostname: 'dockerhost2', dockerHost: 'dockerhost2'})]
    for (const run of saved) expect(run.stderr).toMatch(/bundle written to /)
    const json = await execa(process.execPath, [BIN, 'fleet', '--json', first, second], {reject: false})
    expect(json.exitCode).toBe(2)
    const report = JSON.parse(json.stdout)
    const overlap = report.checks.find((check: {id: string}) => check.id === 'fleet-range-overlap')
    expect(overlap).toMatchObject({outcome: 'fail', code: 'MVF001', subject: {network: 'lan', hosts: ['dockerhost1', 'dockerhost2']}})
    expect(overlap.message).toContain("dockerhost1's network lan (192.168.77.192/27) and dockerhost2's network lan (192.168.77.192/27) may both hand out 192.168.77.192-192.168.77.223")
    // Both hosts asked the gateway for its MAC: the LAN is proven by it, not assumed from the address.
    expect(overlap.evidence.facts.sameLan).toMatch(/^same subnet 192\.168\.77\.0\/24 and the same gateway 192\.168\.77\.1 at MAC [0-9a-f:]{17} \(dockerhost1's ARP to it from eth1; dockerhost2's ARP to it from eth0\)$/)
    // The twin holds web's address and MAC: a consequence of the overlap, folded under it.
    const twice = report.checks.find((check: {id: string}) => check.id === 'fleet-address-twice')
    expect(twice).toMatchObject({outcome: 'fail', causedBy: [{id: 'fleet-range-overlap'}]})
    expect(twice.message).toContain('192.168.77.192 is held by container web on dockerhost1 (network lan) and by container twin on dockerhost2 (network lan)')
    const table = await execa(process.execPath, [BIN, 'fleet', first, second], {reject: false})
    expect(table.exitCode).toBe(2)
    expect(table.stdout.split('\n')[0]).toMatch(/^# status: FAIL, 1 problem: fleet-range-overlap \(lan on dockerhost1, dockerhost2\) /)
  })
})
