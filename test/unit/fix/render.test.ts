/** The plan as a person and a ticket see it: golden text, Markdown and JSON, and Markdown a parser reads as intended. */
import {readFileSync} from 'node:fs'

import MarkdownIt from 'markdown-it'
import {describe, expect, it} from 'vitest'

import {FIX_FORMATS, renderApplied, renderFix} from '../../../src/fix/render.js'
import {fixGoldenPath, GOLDEN_FIX_FIXTURES, goldenFixPlan} from '../../helpers/golden.js'

describe.each(GOLDEN_FIX_FIXTURES)('golden fix plan: %s', (name) => {
  it.each(FIX_FORMATS)('%s matches its golden file (npm run golden:bless re-blesses)', (format) => {
    expect(renderFix({plan: goldenFixPlan(name)}, format)).toBe(readFileSync(fixGoldenPath(name, format), 'utf8'))
  })

  it('puts every command of the plan in a shell block of the Markdown, and each persistence file in its own block', () => {
    const plan = goldenFixPlan(name)
    const fences = new MarkdownIt().parse(renderFix({plan}, 'markdown'), {}).filter((token) => token.type === 'fence')
    const shellLines = fences.filter((token) => token.info === 'sh').flatMap((token) => token.content.trimEnd().split('\n'))
    for (const step of plan.steps) for (const command of step.manual) expect(shellLines).toContain(command)
    const files = fences.filter((token) => token.info === 'ini').map((token) => token.content)
    expect(files).toEqual(plan.persistence.flatMap((entry) => entry.persistence.files.map((file) => file.content)))
  })
})

describe('what --apply did', () => {
  it('shows each command, the before → after of each fixed check, and what still warns', () => {
    const text = renderApplied(
      {
        result: 'verified',
        applied: ['ip route add 192.168.77.192/27 dev lan-shim'],
        persisted: [{path: '/etc/systemd/system/macvlan-shim-lan-shim.service', changed: true}],
        verification: {passed: true, rounds: 1, changes: [{id: 'shim-incomplete', subject: {network: 'lan', interface: 'lan-shim'}, before: 'fail', after: 'pass'}]},
        statusAfter: 'warn',
        remaining: [{id: 'boot-order', subject: {interface: 'lan-shim'}, outcome: 'warn', before: 'warn'}],
      },
      'table',
    )
    expect(text).toContain('  - ok: ip route add 192.168.77.192/27 dev lan-shim\n  - wrote: /etc/systemd/system/macvlan-shim-lan-shim.service\n')
    expect(text).toContain('== Verified\n\n  - shim-incomplete (network lan, interface lan-shim): fail → pass\n')
    expect(text).toContain('Host status after: WARN\n  - still warn: boot-order (interface lan-shim)\n')
  })

  it('says what was rolled back and why', () => {
    const text = renderApplied(
      {
        result: 'rolled-back',
        applied: ['ip link add lan-shim link eth1 type macvlan mode bridge'],
        persisted: [],
        verification: {passed: false, rounds: 1, changes: [{id: 'host-isolation', subject: {network: 'lan', interface: 'eth1'}, before: 'warn', after: 'fail'}]},
        rolledBack: [{command: 'ip link del lan-shim'}],
      },
      'markdown',
    )
    expect(text).toContain('## Verification failed\n\n- host-isolation (network lan, interface eth1): warn → fail\n')
    expect(text).toContain('## Rolled back\n\n- ok: ip link del lan-shim\n')
  })

  it('calls a check "still failing" only when it failed before the fix, and says what the others were', () => {
    const text = renderApplied(
      {
        result: 'verified',
        applied: [],
        persisted: [],
        statusAfter: 'fail',
        remaining: [
          {id: 'mac-filtered', subject: {network: 'lan'}, outcome: 'fail', before: 'fail'},
          {id: 'shim-incomplete', subject: {network: 'lan', interface: 'lan-shim'}, outcome: 'warn', before: 'absent'},
          {id: 'boot-order', subject: {interface: 'eth1'}, outcome: 'warn', before: 'skip'},
        ],
      },
      'table',
    )
    expect(text).toContain('  - still fail: mac-filtered (network lan)\n  - warn, new since the fix: shim-incomplete (network lan, interface lan-shim)\n  - warn, was skip: boot-order (interface eth1)\n')
  })

  it('says when an undo found nothing to take back, apart from one that failed', () => {
    const text = renderApplied(
      {result: 'rollback-incomplete', applied: [], persisted: [], rolledBack: [{command: 'ip route del 192.168.77.192/27 dev lan-shim', nothingToUndo: true}, {command: 'ip link del lan-shim', error: 'RTNETLINK answers: Operation not permitted'}]},
      'table',
    )
    expect(text).toContain('  - nothing to undo: ip route del 192.168.77.192/27 dev lan-shim (the change had not taken effect)\n  - FAILED: ip link del lan-shim: RTNETLINK answers: Operation not permitted\n')
  })
})
