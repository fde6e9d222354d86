/** Names from the host carry whatever Docker and the kernel accept, terminal escapes included: none reaches a reader raw. */
import {describe, expect, it} from 'vitest'

import {renderApplied, renderFix} from '../../../src/fix/render.js'
import {FORMATS, render} from '../../../src/render/index.js'
import {printable} from '../../../src/render/printable.js'
import {goldenFixPlan, goldenReport} from '../../helpers/golden.js'

/** An OSC title, an OSC 52 clipboard write, a C1 CSI and a right-to-left override, as seen in hostile names. */
const HOSTILE = {
  eth1: 'eth1\u001B]0;owned\u0007',
  lan: 'lan\u001B]52;c;cHduZWQ=\u0007',
  web: 'web\u009B2J\u202Egnp.exe',
}

/** Every string of `value` with the plain names replaced by the hostile ones. */
function hostile<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (_key, item: unknown) => (typeof item === 'string' ? Object.entries(HOSTILE).reduce((text, [plain, bad]) => text.replaceAll(plain, bad), item) : item)) as T
}

/** Line breaks and tabs are the renderers' own layout; anything else that controls a terminal must not be there. */
// eslint-disable-next-line no-control-regex -- asserting that no control character gets through
const RAW_CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/

describe('printable', () => {
  it('shows every C0, DEL, C1 and bidi control as an escape and leaves the rest alone', () => {
    expect(printable('a\u001B]0;t\u0007b\n\tc\u007F\u0085\u202Ed é 🙂')).toBe('a\\x1b]0;t\\x07b\\n\\tc\\x7f\\x85\\u202ed é 🙂')
  })
})

describe('hostile names in every human-readable format', () => {
  const report = hostile(goldenReport('parent-down'))

  it.each(FORMATS.filter((format) => format !== 'json'))('%s shows them escaped, never raw', (format) => {
    for (const options of [{verbose: false}, {verbose: true}, {verbose: true, columns: 80}]) {
      const text = render(report, format, {color: false, ...options})
      expect(text).not.toMatch(RAW_CONTROL)
      if (format !== 'prometheus') expect(text).toContain('eth1\\x1b]0;owned\\x07')
    }
  })

  it('the coloured table keeps its own colours and escapes the names', () => {
    const text = render(report, 'table', {color: true, verbose: true, columns: 120})
    expect(text).toContain('\u001B[31m')
    // eslint-disable-next-line no-control-regex -- the colour codes this test allows
    expect(text.replaceAll(/\u001B\[\d+m/g, '')).not.toMatch(RAW_CONTROL)
  })

  it('json keeps the true names, escaped as JSON escapes them', () => {
    expect(JSON.parse(render(report, 'json', {color: false, verbose: false})).checks.some((check: {message: string}) => check.message.includes(HOSTILE.eth1))).toBe(true)
  })

  it.each(['table', 'markdown'] as const)('macvlan fix --format %s shows them escaped, and what --apply did too', (format) => {
    const plan = hostile(goldenFixPlan('host-isolation'))
    expect(renderFix({plan}, format)).not.toMatch(RAW_CONTROL)
    expect(renderFix({plan}, format)).toContain('lan\\x1b]52;c;cHduZWQ=\\x07')
    const applied = hostile({result: 'rolled-back' as const, applied: ['ip link add lan-shim link eth1 type macvlan mode bridge'], failed: {command: 'ip link set eth1 up', error: 'eth1: no such device'}, persisted: [], statusAfter: 'fail' as const})
    expect(renderApplied(applied, format)).not.toMatch(RAW_CONTROL)
  })
})
