/** Every fleet check is documented with a page whose examples behave as it says, and keeps a unique id and MVF code. */
import {existsSync, readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {FLEET_CHECKS} from '../../../src/fleet/checks/index.js'
import {evaluateFleet, fleetDocsPath} from '../../../src/fleet/evaluate.js'
import type {FleetHost} from '../../../src/fleet/model.js'
import {RULES} from '../../../src/rules/index.js'
import {docExamples, probesOf, snapshotOf, type HostExample} from '../../helpers/examples.js'

const metas = FLEET_CHECKS.map((check) => check.meta)

/** Each host of a doc example, named by its key, as `macvlan fleet` would read its bundle. */
function hostsOf(example: {hosts: Record<string, HostExample>}): FleetHost[] {
  return Object.entries(example.hosts).map(([name, host]) => {
    const probes = probesOf(host)
    return {name, file: `${name}.json`, snapshot: snapshotOf({...host, host: {...host.host, hostname: name}}), ...(probes ? {probes} : {})}
  })
}

describe('the fleet check registry', () => {
  it('has unique ids, apart from the rules\', and unique MVFnnn codes', () => {
    const ids = [...metas.map((meta) => meta.id), ...RULES.map((rule) => rule.meta.id)]
    expect(new Set(ids).size).toBe(ids.length)
    expect(new Set(metas.map((meta) => meta.code)).size).toBe(metas.length)
    for (const meta of metas) expect(meta.code).toMatch(/^MVF\d{3}$/)
  })

  it.each(metas)('$id has a page, a row in the code tables and in the README', (meta) => {
    const page = fleetDocsPath(meta.id)
    expect(existsSync(page), page).toBe(true)
    const text = readFileSync(page, 'utf8')
    expect(text.startsWith(`# ${meta.id}\n`)).toBe(true)
    expect(text).toContain(`**Code:** ${meta.code} · **Severity:** ${meta.severity}`)
    expect(text).toMatch(/## Sources\n/)
    expect(readFileSync('docs/fleet/README.md', 'utf8')).toContain(`| ${meta.code} | [${meta.id}](${meta.id}.md) |`)
    expect(readFileSync('README.md', 'utf8')).toContain(`| ${meta.code} | \`${meta.id}\` | ${meta.severity} |`)
  })
})

describe.each(FLEET_CHECKS.map((check) => [check.meta.id, check] as const))('docs/fleet/%s.md examples', (id, check) => {
  const examples = docExamples<{hosts: Record<string, HostExample>}>(id, 'fleet')

  it('has a bad and a good example', () => {
    expect(examples.map((example) => example.kind).sort()).toEqual(['bad', 'good'])
  })

  it.each(examples.map((example) => [example.kind, example] as const))('the %s example behaves as documented', (_kind, example) => {
    const results = evaluateFleet([check], hostsOf(example.host))
    expect(results.length).toBeGreaterThan(0)
    for (const result of results) expect(result.outcome).toBe(example.kind === 'bad' ? check.meta.severity : 'pass')
  })
})
