/** The Markdown report as a ticket body: problems stated in headings, absolute links, bounded size, a readable diagram. */
import MarkdownIt from 'markdown-it'
import {describe, expect, it} from 'vitest'

import type {Report} from '../../../src/engine/report.js'
import {overallStatus} from '../../../src/engine/status.js'
import type {CheckResult} from '../../../src/engine/types.js'
import type {ProbeRecord} from '../../../src/probe/types.js'
import {render} from '../../../src/render/index.js'
import {DOCS_BASE_URL, MARKDOWN_LIMIT_BYTES, mermaidTopology} from '../../../src/render/markdown.js'
import {goldenReport} from '../../helpers/golden.js'

const options = {color: false, verbose: false}

/** The healthy lab host grown to `count` containers (c1…cN) on lan, each probed five ways, with `failing` of them unreachable. */
function bigHost(count: number, failing: number[], evidenceBytes = 200): Report {
  const base = goldenReport('healthy')
  const names = Array.from({length: count}, (_, index) => `c${index + 1}`)
  const address = (index: number) => `192.168.77.${index + 10}`
  const perContainer = names.flatMap((name, index): CheckResult[] => [
    {id: 'container-route', code: 'MVD028', title: 'Containers route off their subnet', docs: 'docs/rules/container-route.md', subject: {network: 'lan', container: name}, ...(failing.includes(index + 1)
      ? {outcome: 'fail', message: `${name} reaches nothing: its gateway 192.168.77.1 does not answer.`, evidence: {facts: {container: name, address: address(index), detail: 'x'.repeat(evidenceBytes)}, commands: [`nsenter --net=/run/docker/netns/${name} ip route`]}, fix: {summary: 'Check the gateway.', commands: ['ip neigh show 192.168.77.1']}}
      : {outcome: 'pass', message: `${name} routes off its subnet via 192.168.77.1.`})},
    {id: 'ports-ignored', code: 'MVD023', title: 'Published ports', docs: 'docs/rules/ports-ignored.md', subject: {network: 'lan', container: name}, outcome: 'pass', message: `${name} publishes no ports.`},
  ])
  const checks = [...base.checks.filter((check) => !check.subject.container), ...perContainer]
  const counts: Report['counts'] = {pass: 0, warn: 0, fail: 0, skip: 0, error: 0}
  for (const check of checks) counts[check.outcome]++
  const records = names.flatMap((name, index): ProbeRecord[] =>
    (['host-to-container', 'container-to-gateway', 'container-to-host', 'container-to-peer', 'host-to-gateway'] as const).map((purpose) => ({
      purpose, kind: 'icmp', from: {namespace: purpose === 'host-to-container' || purpose === 'host-to-gateway' ? 'host' : name}, target: address(index), network: 'lan', container: name,
      outcome: failing.includes(index + 1) ? 'no-reply' : 'reply', command: 'ping -c 1 -W 1', ...(failing.includes(index + 1) ? {l2: 'unresolved'} : {rttMs: 0.2}),
    })),
  )
  const topology = base.topology.map((network) => ({...network, containers: [...names].reverse().map((name, index) => ({name, address: address(count - 1 - index), status: 'running'}))}))
  return {...base, checks, counts, status: overallStatus(checks), problems: failing.length, topology, source: {...base.source, kind: 'live'}, command: ['macvlan', 'doctor'], probes: {startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1100, timeoutMs: 1000, icmpEngine: 'raw-socket', records, skipped: []}}
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8')
const headings = (text: string) => text.split('\n').filter((line) => line.startsWith('### '))

describe('a ticket about a big host', () => {
  it('a 60-container host stays under the bound with every failure in it, passing checks summarized and healthy containers one line each', () => {
    const text = render(bigHost(60, [7, 13, 42]), 'markdown', options)
    expect(bytes(text)).toBeLessThanOrEqual(MARKDOWN_LIMIT_BYTES)
    expect(headings(text)).toEqual(['### ❌ container-route: c7 reaches nothing', '### ❌ container-route: c13 reaches nothing', '### ❌ container-route: c42 reaches nothing'])
    expect(text).toContain('| ✅ pass | container-route | 57 subjects, e.g. ')
    expect(text).toContain('<details><summary>Containers with no problem found (57)</summary>')
    expect(text).not.toContain('Not shown')
  })

  it('when the failures alone would not fit, each is still named and the rest is counted and left to the JSON', () => {
    const failing = Array.from({length: 40}, (_, index) => index + 1)
    const text = render(bigHost(60, failing, 3000), 'markdown', options)
    expect(bytes(text)).toBeLessThanOrEqual(MARKDOWN_LIMIT_BYTES)
    expect(headings(text)).toHaveLength(40)
    for (const index of failing) expect(text).toContain(`### ❌ container-route: c${index} reaches nothing`)
    expect(text).toMatch(/Not shown, to keep this report under 60 KB: .*probes without an answer.* The JSON report \(`macvlan doctor --json`\) has everything: attach it\./)
    expect(new MarkdownIt({html: true}).parse(text, {}).filter((token) => token.type === 'html_block' && token.content.includes('<details>')).length).toBeGreaterThan(0)
  })

  it('draws containers in natural order and collapses a crowded network to the ones with a problem', () => {
    const small = mermaidTopology(bigHost(12, [10]))
    const drawn = small.flatMap((line) => /^ {2}c\d+_\d+\["(c\d+)<br\/>/.exec(line)?.[1] ?? [])
    expect(drawn).toEqual(Array.from({length: 12}, (_, index) => `c${index + 1}`))
    const big = mermaidTopology(bigHost(60, [7, 42]))
    expect(big.flatMap((line) => /^ {2}c\d+_\d+\["(c\d+)<br\/>/.exec(line)?.[1] ?? [])).toEqual(['c7', 'c42'])
    expect(big).toContain('  more0["58 more containers, no problem found"]')
    expect(big.find((line) => line.startsWith('  class ') && line.endsWith(' bad'))).toMatch(/c0_0,c0_1/)
  })
})

describe('headings and links', () => {
  it('links each rule page by absolute URL, from the constant base or the one given', () => {
    expect(render(goldenReport('parent-down'), 'markdown', options)).toContain(`More: [\`macvlan explain parent-down\`](${DOCS_BASE_URL}/docs/rules/parent-down.md)`)
    expect(render(goldenReport('parent-down'), 'markdown', {...options, docsBase: 'https://example.org/fork/blob/v1.2.0/'})).toContain('(https://example.org/fork/blob/v1.2.0/docs/rules/parent-down.md)')
  })
})
