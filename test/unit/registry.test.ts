/** Every rule is documented, tested, and keeps a unique id and code; every doc example behaves as the doc says. */
import {existsSync, readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {RULES} from '../../src/rules/index.js'
import {docExamples} from '../helpers/examples.js'
import {judge} from '../helpers/judge.js'

const metas = RULES.map((rule) => rule.meta)

describe('the rule registry', () => {
  it('has unique kebab-case ids and unique MVDnnn codes', () => {
    expect(new Set(metas.map((meta) => meta.id)).size).toBe(metas.length)
    expect(new Set(metas.map((meta) => meta.code)).size).toBe(metas.length)
    for (const meta of metas) {
      expect(meta.id).toMatch(/^[a-z]+(-[a-z0-9]+)*$/)
      expect(meta.code).toMatch(/^MVD\d{3}$/)
    }
  })

  it.each(metas)('$id has a docs page, a test file and a row in the code table', (meta) => {
    const page = `docs/rules/${meta.id}.md`
    expect(existsSync(page), page).toBe(true)
    const text = readFileSync(page, 'utf8')
    expect(text.startsWith(`# ${meta.id}\n`)).toBe(true)
    expect(text).toContain(`**Code:** ${meta.code} · **Severity:** ${meta.severity}`)
    expect(text).toMatch(/## Sources\n/)
    expect(existsSync(`test/unit/rules/${meta.id}.test.ts`)).toBe(true)
    expect(readFileSync('docs/rules/README.md', 'utf8')).toContain(`| ${meta.code} | [${meta.id}](${meta.id}.md) |`)
  })
})

describe.each(RULES.map((rule) => [rule.meta.id, rule] as const))('docs/rules/%s.md examples', (_id, rule) => {
  const examples = docExamples(rule.meta.id)

  it('has at least one bad and one good example', () => {
    expect(examples.some((example) => example.kind === 'bad')).toBe(true)
    expect(examples.some((example) => example.kind === 'good')).toBe(true)
  })

  it.each(examples.map((example, index) => [index, example] as const))('example %i behaves as documented', (_index, example) => {
    const outcomes = judge(rule, example.host).map((result) => result.outcome)
    if (example.kind === 'bad') expect(outcomes).toContain(rule.meta.severity)
    else if (example.kind === 'warn') expect(outcomes).toEqual(expect.arrayContaining(['warn']))
    else expect(outcomes.every((outcome) => outcome === 'pass')).toBe(true)
  })
})

describe('the README', () => {
  it('lists every rule with its code', () => {
    const readme = readFileSync('README.md', 'utf8')
    for (const meta of metas) expect(readme).toContain(`| ${meta.code} | \`${meta.id}\` | ${meta.severity} |`)
  })
})
