/** `macvlan fix` exit codes: one meaning each, so a script or a timer cannot misread a rollback as the host's status. */
import {describe, expect, it} from 'vitest'

import type {FixPlan} from '../../../src/fix/plan.js'
import type {ApplyReport} from '../../../src/fix/render.js'
import {FIX_EXIT_CODES, fixExitCode} from '../../../src/fix/session.js'

const plan = (status: FixPlan['status']) => ({status}) as FixPlan
const apply = (report: Partial<ApplyReport> & Pick<ApplyReport, 'result'>): ApplyReport => ({applied: [], persisted: [], ...report})

describe('fix exit codes', () => {
  it('is the host status for a plan, and for an apply that verified: the status after, not before', () => {
    expect(fixExitCode(plan('warn'), undefined, 'warn')).toBe(1)
    expect(fixExitCode(plan('fail'), undefined, 'warn')).toBe(2)
    expect(fixExitCode(plan('warn'), apply({result: 'verified', statusAfter: 'ok'}), 'warn')).toBe(0)
    expect(fixExitCode(plan('fail'), apply({result: 'verified', statusAfter: 'warn'}), 'fail')).toBe(0)
  })

  it('has a code of its own for a rollback, whatever the host status was, and another for a rollback that failed', () => {
    expect(fixExitCode(plan('fail'), apply({result: 'rolled-back', rolledBack: []}), 'warn')).toBe(FIX_EXIT_CODES.rolledBack)
    expect(fixExitCode(plan('ok'), apply({result: 'rollback-incomplete', rolledBack: []}), 'warn')).toBe(FIX_EXIT_CODES.rollbackIncomplete)
    expect(new Set([0, 1, 2, 3, FIX_EXIT_CODES.rolledBack, FIX_EXIT_CODES.rollbackIncomplete]).size).toBe(6)
  })

  it('is 3 when the host could not be diagnosed', () => {
    expect(fixExitCode(plan('unknown'), undefined, 'warn')).toBe(3)
  })
})
