/** What `macvlan fix` proposes for a host: runtime steps with their undo, manual steps, held steps and persistence. */
import {describe, expect, it} from 'vitest'

import {evaluateRules} from '../../../src/engine/evaluate.js'
import {buildReport, type Report} from '../../../src/engine/report.js'
import {addressesToProve, buildFixPlan, proofFromRecord, type AddressProof} from '../../../src/fix/plan.js'
import {shellLine} from '../../../src/exec/quote.js'
import {HostModel} from '../../../src/model/host-model.js'
import {RULES} from '../../../src/rules/index.js'
import type {Snapshot} from '../../../src/snapshot/types.js'
import {snapshotOf, type HostExample} from '../../helpers/examples.js'
import {fixture} from '../../helpers/fixtures.js'

/** The host-isolation docs example: a network with a range but no aux address, so the shim's address is only free today. */
const UNRESERVED: HostExample = {
  links: [{name: 'eth0'}],
  routes: [{dst: '192.168.1.0/24', dev: 'eth0'}],
  networks: [{name: 'lan', parent: 'eth0', ipRange: '192.168.1.192/27'}],
  containers: [{name: 'web', network: 'lan', ip: '192.168.1.192'}],
}

function reportOf(snapshot: Snapshot, replay = false): Report {
  return buildReport(snapshot, evaluateRules(RULES, snapshot), {tool: {name: 'macvlan-doctor', version: 'test'}, command: ['macvlan', 'fix'], generatedAt: '2026-01-01T00:00:00.000Z', replay})
}

const planFor = (snapshot: Snapshot, proofs: AddressProof[] = [], replay = false) => buildFixPlan(reportOf(snapshot, replay), new HostModel(snapshot), proofs)
const runtimeLines = (plan: ReturnType<typeof planFor>) => plan.steps.flatMap((step) => step.runtime.map((action) => shellLine(action.run)))

describe('fix plan', () => {
  it('creates the shim with the reserved aux address and routes the range through it, each undone by deleting the shim', () => {
    const plan = planFor(fixture('host-isolation'))
    expect(plan.steps.map((step) => step.check.id)).toEqual(['host-isolation'])
    expect(runtimeLines(plan)).toEqual([
      'ip link add lan-shim link eth1 type macvlan mode bridge',
      'ip addr add 192.168.77.223/32 dev lan-shim',
      'ip link set lan-shim up',
      'ip route add 192.168.77.192/27 dev lan-shim',
    ])
    expect(new Set(plan.steps[0]?.runtime.map((action) => shellLine(action.undo)))).toEqual(new Set(['ip link del lan-shim']))
    expect(plan.steps[0]?.manual).toEqual([])
    expect(plan.persistence.map((entry) => [entry.shim, entry.persistence.manager])).toEqual([
      [{name: 'lan-shim', parent: 'eth1', mode: 'bridge', addresses: ['192.168.77.223/32'], routes: ['192.168.77.192/27']}, 'systemd-unit'],
    ])
  })

  it('adds only the missing route to a shim that has its address', () => {
    const plan = planFor(fixture('shim-without-route'))
    expect(runtimeLines(plan)).toEqual(['ip route add 192.168.77.192/27 dev lan-shim'])
    expect(plan.steps[0]?.runtime[0]?.undo).toEqual(['ip', 'route', 'del', '192.168.77.192/27', 'dev', 'lan-shim'])
    expect(plan.persistence[0]?.shim.routes).toEqual(['192.168.77.192/27'])
  })

  it('prints recreating a network by hand and never as a runtime step', () => {
    const plan = planFor(fixture('no-ip-range'))
    const step = plan.steps.find((candidate) => candidate.check.id === 'no-ip-range')
    expect(step?.runtime).toEqual([])
    expect(step?.manual.at(-1)).toContain('docker network create -d macvlan -o parent=eth1 --subnet=192.168.77.0/24 --gateway=192.168.77.1 --ip-range=192.168.77.224/27')
    expect(runtimeLines(plan).some((line) => line.startsWith('docker'))).toBe(false)
  })

  it('has nothing to do on the healthy host', () => {
    const plan = planFor(fixture('healthy'))
    expect(plan).toMatchObject({status: 'ok', steps: [], persistence: []})
  })

  it('lists the shim persistence once, not again as a step of boot-order', () => {
    const plan = planFor(fixture('shim-not-persistent'))
    const bootOrder = plan.steps.find((step) => step.check.id === 'boot-order')
    expect(bootOrder?.manual).toEqual([])
    expect(plan.persistence.map((entry) => entry.persistence.files[0]?.path)).toEqual(['/etc/systemd/system/macvlan-shim-lan-shim.service'])
  })

  describe('an address Docker has not reserved', () => {
    const snapshot = snapshotOf(UNRESERVED)
    const record = {purpose: 'free-address', kind: 'arp', from: {namespace: 'probe'}, target: '192.168.1.223', command: 'arping …'} as const

    it('is asked to be proven on its parent', () => {
      expect(addressesToProve(reportOf(snapshot))).toEqual(new Map([['eth0', ['192.168.1.223']]]))
    })

    it('is used when ARP got no answer, and the plan still says how to reserve it', () => {
      const plan = planFor(snapshot, [proofFromRecord({...record, outcome: 'no-reply'}, 'eth0')])
      expect(runtimeLines(plan)).toContain('ip addr add 192.168.1.223/32 dev lan-shim')
      expect(plan.steps[0]?.manual).toContain('docker network create -d macvlan -o parent=eth0 --subnet=192.168.1.0/24 --gateway=192.168.1.1 --ip-range=192.168.1.192/27 --aux-address=shim=192.168.1.223 lan')
    })

    it('holds the whole step back when someone answered ARP for it', () => {
      const plan = planFor(snapshot, [proofFromRecord({...record, outcome: 'reply', replies: [{mac: '02:11:22:33:44:55'}]}, 'eth0')])
      expect(runtimeLines(plan)).toEqual([])
      expect(plan.steps[0]?.held).toBe('192.168.1.223 is not reserved and answered ARP from 02:11:22:33:44:55: reserve a free address with --aux-address and re-run')
      expect(plan.steps[0]?.manual).toContain('ip link add lan-shim link eth0 type macvlan mode bridge')
      expect(plan.persistence).toEqual([])
    })

    it('holds it back when probes were off, or the plan comes from a saved snapshot', () => {
      expect(planFor(snapshot).steps[0]?.held).toContain('was not proven free (probes were off)')
      expect(planFor(snapshot, [], true).steps[0]?.held).toContain('a saved snapshot cannot prove it free')
    })
  })

  it('brings an administratively down parent up, undone by setting it down', () => {
    const plan = planFor(fixture('parent-down'))
    const step = plan.steps.find((candidate) => candidate.check.id === 'parent-down')
    expect(step?.runtime).toEqual([{run: ['ip', 'link', 'set', 'eth1', 'up'], undo: ['ip', 'link', 'set', 'eth1', 'down']}])
  })
})
