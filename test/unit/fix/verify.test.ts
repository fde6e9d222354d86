/** Judging an applied fix: the fixed checks pass, proven as well as before, and nothing old or new got worse. */
import {describe, expect, it} from 'vitest'

import type {Report} from '../../../src/engine/report.js'
import type {CheckResult, FixAction} from '../../../src/engine/types.js'
import type {FixStep} from '../../../src/fix/plan.js'
import {PROOF_ROUNDS, verify, verifyWithRetries, type Judging} from '../../../src/fix/verify.js'
import type {ProbeRecord} from '../../../src/probe/types.js'
import {verificationPurposes} from '../../../src/fix/session.js'
import {RULES} from '../../../src/rules/index.js'

const SHIM: FixAction[] = [{run: ['ip', 'link', 'add', 'lan-shim', 'link', 'eth0', 'type', 'macvlan', 'mode', 'bridge'], undo: ['ip', 'link', 'del', 'lan-shim']}]
const ETH0 = {network: 'lan', interface: 'eth0'}
const SHIM_SUBJECT = {network: 'lan', interface: 'lan-shim'}

const step = (id: string, runtime: FixAction[], subject = ETH0): FixStep => ({check: {id, code: 'MVD000', title: id, subject, message: '', outcome: 'warn'}, summary: '', runtime, manual: []})
const check = (id: string, outcome: CheckResult['outcome'], subject = ETH0): CheckResult => ({id, code: 'MVD000', title: id, docs: '', outcome, subject, message: `${id} says ${outcome}`})
/** A report; `pinged` adds the host's pings to the containers of lan, with this outcome. */
const report = (checks: CheckResult[], pinged?: ProbeRecord['outcome']) =>
  ({
    checks,
    ...(pinged ? {probes: {records: [{purpose: 'host-to-container', kind: 'icmp', from: {namespace: 'host'}, target: '192.168.1.192', network: 'lan', outcome: pinged, command: 'ping …'}], skipped: []}} : {}),
  }) as Report

const fixed = [step('host-isolation', SHIM)]
const always: Judging = {comparable: () => true, probesOf: (id) => (id === 'host-isolation' ? ['host-to-container'] : [])}

describe('verification', () => {
  it('passes when the fixed check now passes and nothing got worse; a new warning (an unpersisted shim) is not held against it', () => {
    const result = verify(fixed, report([check('host-isolation', 'warn'), check('mtu-mismatch', 'pass')]), report([check('host-isolation', 'pass'), check('mtu-mismatch', 'pass'), check('boot-order', 'warn', SHIM_SUBJECT)]), always)
    expect(result).toEqual({passed: true, rounds: 1, changes: [{id: 'host-isolation', subject: ETH0, before: 'warn', after: 'pass'}]})
  })

  it('fails when the fixed check still does not pass', () => {
    expect(verify(fixed, report([check('host-isolation', 'warn')]), report([check('host-isolation', 'fail')]), always)).toMatchObject({passed: false, changes: [{after: 'fail', problem: 'host-isolation says fail'}]})
  })

  it('fails when the fixed check is no longer reported at all (its collection failed): nothing proves it fixed', () => {
    expect(verify(fixed, report([check('host-isolation', 'warn')]), report([]), always)).toMatchObject({passed: false, changes: [{id: 'host-isolation', after: 'gone'}]})
  })

  it('fails when the fixed check passes on the routing table alone, where probes had judged it before', () => {
    const before = report([check('host-isolation', 'warn')], 'no-reply')
    expect(verify(fixed, before, report([check('host-isolation', 'pass')]), always)).toMatchObject({passed: false, changes: [{problem: 'it passes on the collected facts alone: the host-to-container probes that judged it before did not run after the fix'}]})
    expect(verify(fixed, before, report([check('host-isolation', 'pass')], 'error'), always).passed).toBe(false)
    expect(verify(fixed, before, report([check('host-isolation', 'pass')], 'reply'), always).passed).toBe(true)
  })

  it('fails when a check that passed got worse, unless it was judged differently (fewer probes)', () => {
    const before = report([check('host-isolation', 'warn'), check('container-route', 'pass')])
    const after = report([check('host-isolation', 'pass'), check('container-route', 'warn')])
    expect(verify(fixed, before, after, always)).toMatchObject({passed: false, changes: [{id: 'host-isolation'}, {id: 'container-route', before: 'pass', after: 'warn'}]})
    expect(verify(fixed, before, after, {...always, comparable: (id) => id !== 'container-route'}).passed).toBe(true)
  })

  it('fails when a check appears with a new subject and fails (the new shim is itself broken)', () => {
    const before = report([check('host-isolation', 'warn'), check('shim-incomplete', 'skip')])
    const after = report([check('host-isolation', 'pass'), check('shim-incomplete', 'fail', SHIM_SUBJECT)])
    expect(verify(fixed, before, after, always)).toMatchObject({passed: false, changes: [{id: 'host-isolation'}, {id: 'shim-incomplete', subject: SHIM_SUBJECT, before: 'absent', after: 'fail'}]})
  })
})

describe('verification retries a missed probe round', () => {
  const before = report([check('host-isolation', 'warn')], 'no-reply')
  const passing = report([check('host-isolation', 'pass')], 'reply')
  const missed = report([check('host-isolation', 'warn')], 'no-reply')

  function doctorSaying(...reports: Report[]) {
    let runs = 0
    return {runs: () => runs, diagnose: async () => reports[Math.min(runs++, reports.length - 1)] as Report}
  }

  it('verifies a fix whose first proof round missed a reply', async () => {
    const doctor = doctorSaying(missed, passing)
    const {verification} = await verifyWithRetries(fixed, before, doctor.diagnose, always)
    expect(verification).toMatchObject({passed: true, rounds: 2})
    expect(doctor.runs()).toBe(2)
  })

  it('gives up after a bounded number of rounds', async () => {
    const doctor = doctorSaying(missed)
    const {verification} = await verifyWithRetries(fixed, before, doctor.diagnose, always)
    expect(verification).toMatchObject({passed: false, rounds: PROOF_ROUNDS})
    expect(doctor.runs()).toBe(PROOF_ROUNDS)
  })

  it('does not retry a failure that no probe decides', async () => {
    const doctor = doctorSaying(missed, passing)
    const {verification} = await verifyWithRetries(fixed, before, doctor.diagnose, {...always, probesOf: () => []})
    expect(verification).toMatchObject({passed: false, rounds: 1})
    expect(doctor.runs()).toBe(1)
  })
})

describe('what verification re-sends', () => {
  it('every probe of each rule that reads one it sends, so no rule is judged on half its probes; never the DHCP window', () => {
    const purposes = verificationPurposes(['host-isolation'])
    for (const rule of RULES.filter((candidate) => candidate.meta.probes?.some((purpose) => purposes.has(purpose)))) {
      for (const purpose of rule.meta.probes ?? []) expect(purposes, `${rule.meta.id} reads ${purpose}`).toContain(purpose)
    }
    expect(purposes).toContain('mac-filter-host')
    expect(purposes).not.toContain('dhcp-discover')
  })
})
