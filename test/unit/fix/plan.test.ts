/** What `macvlan fix` proposes for a host: runtime steps with their undo, manual steps, held steps and persistence. */
import {describe, expect, it} from 'vitest'

import {evaluateRules} from '../../../src/engine/evaluate.js'
import {buildReport, type Report} from '../../../src/engine/report.js'
import {addressesToProve, buildFixPlan, proofFromRecord, type AddressProof} from '../../../src/fix/plan.js'
import {renderFix} from '../../../src/fix/render.js'
import {shellLine} from '../../../src/exec/quote.js'
import {HostModel} from '../../../src/model/host-model.js'
import {RULES} from '../../../src/rules/index.js'
import type {ProbeResults} from '../../../src/probe/types.js'
import type {Snapshot} from '../../../src/snapshot/types.js'
import {probesOf, snapshotOf, type HostExample} from '../../helpers/examples.js'
import {fixture} from '../../helpers/fixtures.js'

/** The host-isolation docs example: a network with a range but no aux address; the shim takes an address outside the range. */
const UNRESERVED: HostExample = {
  links: [{name: 'eth0'}],
  routes: [{dst: '192.168.1.0/24', dev: 'eth0'}],
  networks: [{name: 'lan', parent: 'eth0', ipRange: '192.168.1.192/27'}],
  containers: [{name: 'web', network: 'lan', ip: '192.168.1.192'}],
}

function reportOf(snapshot: Snapshot, replay = false, probes?: ProbeResults): Report {
  return buildReport(snapshot, evaluateRules(RULES, snapshot, undefined, probes), {tool: {name: 'macvlan-doctor', version: 'test'}, command: ['macvlan', 'fix'], generatedAt: '2026-01-01T00:00:00.000Z', replay}, probes)
}

const planFor = (snapshot: Snapshot, proofs: AddressProof[] = [], replay = false, probes?: ProbeResults) => buildFixPlan(reportOf(snapshot, replay, probes), new HostModel(snapshot), proofs)
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
    expect(step?.manual.find((line) => line.startsWith('docker network create'))).toContain('docker network create -d macvlan -o parent=eth1 --subnet=192.168.77.0/24 --gateway=192.168.77.1 --ip-range=192.168.77.224/27')
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
    const record = {purpose: 'free-address', kind: 'arp', from: {namespace: 'probe'}, target: '192.168.1.254', command: 'arping …'} as const

    it('is outside Docker\'s range (never inside it while there is room outside), and asked to be proven on its parent', () => {
      expect(addressesToProve(reportOf(snapshot))).toEqual(new Map([['eth0', ['192.168.1.254']]]))
    })

    it('is used when ARP got no answer; outside the range, it needs no reservation', () => {
      const plan = planFor(snapshot, [proofFromRecord({...record, outcome: 'no-reply'}, 'eth0')])
      expect(runtimeLines(plan)).toContain('ip addr add 192.168.1.254/32 dev lan-shim')
      expect(plan.steps[0]?.manual).toEqual(["# 192.168.1.254 is outside Docker's --ip-range, so Docker never hands it out."])
    })

    it('keeps out of a declared DHCP pool', () => {
      const pooled = snapshotOf(UNRESERVED)
      const report = buildReport(pooled, evaluateRules(RULES, pooled, {dhcpRanges: ['192.168.1.200-192.168.1.254'], macSprawlThreshold: 32}), {tool: {name: 'macvlan-doctor', version: 'test'}, command: ['macvlan', 'fix'], generatedAt: '2026-01-01T00:00:00.000Z', replay: false})
      expect(addressesToProve(report)).toEqual(new Map([['eth0', ['192.168.1.191']]]))
    })

    it('is inside the range only when there is no room outside it, and the plan then says how to reserve it', () => {
      const unranged = snapshotOf({...UNRESERVED, networks: [{name: 'lan', parent: 'eth0'}]})
      const plan = planFor(unranged, [proofFromRecord({...record, outcome: 'no-reply'}, 'eth0')])
      expect(runtimeLines(plan)).toContain('ip addr add 192.168.1.254/32 dev lan-shim')
      expect(plan.steps[0]?.manual).toContain('docker network create -d macvlan -o parent=eth0 --subnet=192.168.1.0/24 --gateway=192.168.1.1 --aux-address=shim=192.168.1.254 lan')
    })

    it('holds the whole step back when someone answered ARP for it', () => {
      const plan = planFor(snapshot, [proofFromRecord({...record, outcome: 'reply', replies: [{mac: '02:11:22:33:44:55'}]}, 'eth0')])
      expect(runtimeLines(plan)).toEqual([])
      expect(plan.steps[0]?.held).toBe('192.168.1.254 is not reserved and answered ARP from 02:11:22:33:44:55: reserve a free address with --aux-address and re-run')
      expect(plan.steps[0]?.manual).toContain('ip link add lan-shim link eth0 type macvlan mode bridge')
      expect(plan.persistence).toEqual([])
    })

    describe("and the LAN's DHCP pool, from the requested-address probe", () => {
      const free = [proofFromRecord({...record, outcome: 'no-reply'}, 'eth0')]
      /** The DHCP probe's record on eth0: the server answered a DISCOVER asking for the shim address with `offered`. */
      const dhcp = (offered: string | undefined) =>
        probesOf({
          probes: [
            {purpose: 'dhcp-discover', kind: 'dhcp', parent: 'eth0', target: '255.255.255.255:67', outcome: offered ? 'reply' : 'no-reply', offers: offered ? [{server: '192.168.1.1', requested: '192.168.1.254', offered}] : [], questions: [{address: '192.168.1.254', why: 'the shim address the fix would use', network: 'lan', role: 'shim'}]},
          ],
        })

      it('says it is proven outside the pool when the server offered another address for it', () => {
        const plan = planFor(snapshot, free, false, dhcp('192.168.1.120'))
        expect(runtimeLines(plan)).toContain('ip addr add 192.168.1.254/32 dev lan-shim')
        expect(plan.addressProofs[0]?.pool).toEqual({verdict: 'outside', detail: 'asked for it, the DHCP server 192.168.1.1 offered 192.168.1.120'})
      })

      it('holds the step back when the server offered it back: it is in the pool, and may be leased to another device', () => {
        const plan = planFor(snapshot, free, false, dhcp('192.168.1.254'))
        expect(runtimeLines(plan)).toEqual([])
        expect(plan.steps[0]?.held).toBe("192.168.1.254 is in the LAN's DHCP pool (the DHCP server 192.168.1.1 offered it when asked for it), so the server may lease it to another device: declare the pool with --dhcp-range FIRST-LAST so the fix picks an address outside it, or reserve one with --aux-address, and re-run")
      })

      it('says it is not proven, and why, when no server answered or no probe was sent: never "outside"', () => {
        expect(planFor(snapshot, free, false, dhcp(undefined)).addressProofs[0]?.pool).toEqual({verdict: 'unproven', detail: 'no DHCP server answered the probe; if a DHCP server serves this LAN, declare its pool with --dhcp-range FIRST-LAST'})
        expect(planFor(snapshot, free).addressProofs[0]?.pool?.detail).toMatch(/^no DHCP probe was sent;/)
        expect(renderFix({plan: planFor(snapshot, free)}, 'table')).toContain('192.168.1.254 on eth0: free by ARP (no answer to ARP from a throw-away MAC); DHCP pool: not proven (no DHCP probe was sent;')
      })
    })

    it('skips the static address of a stopped container: it comes back when the container starts', () => {
      const stopped = snapshotOf({...UNRESERVED, containers: [...(UNRESERVED.containers ?? []), {name: 'nas', network: 'lan', running: false, status: 'exited', networks: [{name: 'lan', networkId: 'id-lan', requestedIpv4: '192.168.1.254'}]}]})
      expect(addressesToProve(reportOf(stopped))).toEqual(new Map([['eth0', ['192.168.1.253']]]))
    })

    it('holds it back when probes were off, or the plan comes from a saved snapshot', () => {
      expect(planFor(snapshot).steps[0]?.held).toContain('was not proven free (probes were off)')
      expect(planFor(snapshot, [], true).steps[0]?.held).toContain('a saved snapshot cannot prove it free')
    })
  })

  describe('an aux address', () => {
    const reserved = (aux: Record<string, string>) => snapshotOf({...UNRESERVED, networks: [{name: 'lan', parent: 'eth0', ipRange: '192.168.1.192/27', aux}]})

    it('named for the shim or the host is taken before one that may stand for a LAN device', () => {
      expect(addressesToProve(reportOf(reserved({nas: '192.168.1.200', shim: '192.168.1.223'})))).toEqual(new Map([['eth0', ['192.168.1.223']]]))
    })

    it('is proven free by ARP too, and held back when another device answers for it', () => {
      const answered = proofFromRecord({purpose: 'free-address', kind: 'arp', from: {namespace: 'probe'}, target: '192.168.1.223', command: 'arping …', outcome: 'reply', replies: [{mac: '02:11:22:33:44:55'}]}, 'eth0')
      const plan = planFor(reserved({shim: '192.168.1.223'}), [answered])
      expect(runtimeLines(plan)).toEqual([])
      expect(plan.steps[0]?.held).toBe('192.168.1.223 is reserved with --aux-address, but answered ARP from 02:11:22:33:44:55: another device holds it; reserve a free address with --aux-address and re-run')
    })

    it('is trusted without a proof in a saved snapshot, as Docker reserved it', () => {
      expect(runtimeLines(planFor(reserved({shim: '192.168.1.223'}), [], true))).toContain('ip addr add 192.168.1.223/32 dev lan-shim')
    })
  })

  it('brings an administratively down parent up, undone by setting it down', () => {
    const plan = planFor(fixture('parent-down'))
    const step = plan.steps.find((candidate) => candidate.check.id === 'parent-down')
    expect(step?.runtime).toEqual([{run: ['ip', 'link', 'set', 'eth1', 'up'], undo: ['ip', 'link', 'set', 'eth1', 'down']}])
  })
})
