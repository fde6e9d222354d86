import {describe, expect, it} from 'vitest'

import {evaluateRules} from '../../src/engine/evaluate.js'
import {overallStatus} from '../../src/engine/status.js'
import type {CheckResult, Rule} from '../../src/engine/types.js'
import {snapshot} from '../helpers/builders.js'

const rule = (id: string, evaluate: Rule['evaluate'], requires: Rule['meta']['requires'] = ['networks']): Rule => ({
  meta: {id, code: `T${id.length}`, title: id, severity: 'fail', requires},
  evaluate,
})

const check = (outcome: CheckResult['outcome'], skipKind?: CheckResult['skipKind']): CheckResult => ({
  id: 'x',
  code: 'X',
  title: 'x',
  docs: 'docs/rules/x.md',
  outcome,
  subject: {},
  message: '',
  ...(skipKind ? {skipKind} : {}),
})

describe('evaluateRules', () => {
  it('skips a rule whose required slice failed, with that slice and its reason', () => {
    const [result] = evaluateRules([rule('needs-docker', () => [{outcome: 'pass', subject: {}, message: 'ok'}])], snapshot().failing('networks').build())
    expect(result).toMatchObject({outcome: 'skip', skipKind: 'missing-data'})
    expect(result?.message).toContain('networks could not be collected (the Docker daemon is not reachable)')
  })

  it('turns a rule that throws into an error result and still runs the next rule', () => {
    const results = evaluateRules(
      [
        rule('crashes', () => {
          throw new Error('boom')
        }),
        rule('fine', () => [{outcome: 'pass', subject: {network: 'lan'}, message: 'fine'}]),
      ],
      snapshot().build(),
    )
    expect(results.map((result) => [result.id, result.outcome])).toEqual([
      ['crashes', 'error'],
      ['fine', 'pass'],
    ])
    expect(results[0]?.message).toContain('boom')
  })

  it('turns a read of a slice the rule did not declare into an error naming it, even when that slice failed', () => {
    // Each rule sees only what it declares: an undeclared read is the rule's bug, not the host's missing data.
    const [result] = evaluateRules([rule('sneaky', ({model}) => (model.data('links'), []), [])], snapshot().failing('links', 'missing-tool', '`ip` is not installed').build())
    expect(result).toMatchObject({outcome: 'error', message: 'The rule crashed: rule sneaky reads the links slice without declaring it'})
  })

  it('skips a rule that reads a failed slice it declared optional, with that slice\'s reason', () => {
    const reader = rule('reader', ({model}) => (model.data('links'), []), [])
    const [result] = evaluateRules([{...reader, meta: {...reader.meta, optional: ['links']}}], snapshot().failing('links', 'missing-tool', '`ip` is not installed').build())
    expect(result).toMatchObject({outcome: 'skip', skipKind: 'missing-data'})
    expect(result?.message).toContain('`ip` is not installed')
  })

  it('marks a rule with nothing to judge as not applicable', () => {
    const [result] = evaluateRules([rule('empty', () => [])], snapshot().build())
    expect(result).toMatchObject({outcome: 'skip', skipKind: 'not-applicable'})
  })

  it('keeps registry order and fills id, code, title and docs', () => {
    const results = evaluateRules([rule('b-rule', () => [{outcome: 'pass', subject: {}, message: ''}]), rule('a', () => [{outcome: 'warn', subject: {}, message: ''}])], snapshot().build())
    expect(results.map((result) => result.id)).toEqual(['b-rule', 'a'])
    expect(results[0]).toMatchObject({code: 'T6', title: 'b-rule', docs: 'docs/rules/b-rule.md'})
  })
})

describe('overallStatus', () => {
  it.each([
    [[check('pass'), check('skip', 'not-applicable')], 'ok'],
    [[check('pass'), check('warn')], 'warn'],
    [[check('warn'), check('fail'), check('error')], 'fail'],
    [[check('pass'), check('skip', 'missing-data')], 'unknown'],
    [[check('pass'), check('error')], 'unknown'],
    [[], 'unknown'],
  ] as const)('%j gives %s', (checks, expected) => {
    expect(overallStatus(checks)).toBe(expected)
  })
})
