/**
 * Each rule sees only what it declares (src/engine/narrow.ts): run over every fixture and every documented example, with
 * and without probe results, no rule reads a slice or a probe it did not declare, and each declared probe is read.
 */
import {readdirSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {evaluateRules} from '../../src/engine/evaluate.js'
import {narrowInput, type ReadLog} from '../../src/engine/narrow.js'
import {DEFAULT_SETTINGS, type Rule} from '../../src/engine/types.js'
import type {ProbeResults} from '../../src/probe/types.js'
import {RULES} from '../../src/rules/index.js'
import type {Snapshot} from '../../src/snapshot/types.js'
import {docExamples, probesOf, snapshotOf} from '../helpers/examples.js'
import {fixture} from '../helpers/fixtures.js'

const NO_ANSWERS: ProbeResults = {startedAt: '2026-01-01T00:00:00.000Z', durationMs: 0, timeoutMs: 1000, icmpEngine: 'ping', records: [], skipped: []}

const fixtures = readdirSync(new URL('../../fixtures/snapshots/', import.meta.url)).filter((name) => name.endsWith('.json')).map((name) => fixture(name.replace(/\.json$/, '')))

/** Every input a rule is judged on here: the fixtures, and every rule's documented examples, each with and without probes. */
const inputs: Array<{snapshot: Snapshot; probes?: ProbeResults}> = [
  ...fixtures.flatMap((snapshot) => [{snapshot}, {snapshot, probes: NO_ANSWERS}]),
  ...RULES.flatMap((rule) => docExamples(rule.meta.id)).flatMap((example) => {
    const snapshot = snapshotOf(example.host)
    return [{snapshot}, {snapshot, probes: probesOf(example.host) ?? NO_ANSWERS}]
  }),
]

describe.each(RULES.map((rule) => [rule.meta.id, rule] as const))('%s', (_id, rule: Rule) => {
  it('reads no slice and no probe it does not declare', () => {
    const crashes = inputs.flatMap(({snapshot, probes}) => evaluateRules([rule], snapshot, DEFAULT_SETTINGS, probes)).filter((result) => result.outcome === 'error')
    expect(crashes.map((result) => result.message)).toEqual([])
  })

  it('reads every kind of probe it declares (macvlan fix re-sends those to verify)', () => {
    const log: ReadLog = {slices: new Set(), purposes: new Set()}
    for (const {snapshot, probes} of inputs) {
      try {
        rule.evaluate(narrowInput({snapshot, settings: DEFAULT_SETTINGS, probes: probes ?? NO_ANSWERS}, rule.meta, log))
      } catch {
        // A rule may throw on a snapshot missing a slice it needs; the engine turns that into a skip.
      }
    }
    expect([...log.purposes].sort()).toEqual([...(rule.meta.probes ?? [])].sort())
  })
})

describe('an undeclared read', () => {
  const reads = (meta: Rule['meta'], read: (input: ReturnType<typeof narrowInput>) => unknown) => {
    const rule: Rule = {meta, evaluate: (input) => (read(input), [{outcome: 'pass', subject: {}, message: 'read'}])}
    return evaluateRules([rule], fixtures[0] as Snapshot, DEFAULT_SETTINGS, NO_ANSWERS)[0]
  }
  const meta = {id: 'reader', code: 'MVD999', title: 'reads', severity: 'warn' as const, requires: ['links' as const], probes: ['host-to-gateway' as const]}

  it('of a slice, directly or through the host model, is an error naming the slice', () => {
    expect(reads(meta, (input) => input.snapshot.links)).toMatchObject({outcome: 'pass'})
    expect(reads(meta, (input) => input.snapshot.addresses)).toMatchObject({outcome: 'error', message: 'The rule crashed: rule reader reads the addresses slice without declaring it'})
    expect(reads(meta, (input) => input.model.addressesOf('eth1'))).toMatchObject({outcome: 'error', message: 'The rule crashed: rule reader reads the addresses slice without declaring it'})
  })

  it('of probe records shows only the declared purposes', () => {
    const probes: ProbeResults = {...NO_ANSWERS, records: [{purpose: 'host-to-container', kind: 'icmp', from: {namespace: 'host'}, target: '192.168.77.2', outcome: 'reply', command: 'ping'}]}
    const rule: Rule = {meta, evaluate: (input) => [{outcome: 'pass', subject: {}, message: String(input.probes?.records.length)}]}
    expect(evaluateRules([rule], fixtures[0] as Snapshot, DEFAULT_SETTINGS, probes)[0]?.message).toBe('0')
  })
})
