/**
 * Whether an applied fix worked, judged by running the doctor again: every check it addressed passes, proven as well
 * as its problem was, and no check, old or new, got worse.
 */
import type {Report} from '../engine/report.js'
import type {CheckResult, Outcome} from '../engine/types.js'
import type {ProbePurpose} from '../probe/types.js'
import {checkKey, type FixStep} from './plan.js'

export interface CheckChange {
  id: string
  subject: FixStep['check']['subject']
  /** `absent` for a check the doctor did not report before the fix (a new subject). */
  before: Outcome | 'absent'
  /** `gone` for a check the doctor no longer reports. */
  after: Outcome | 'gone'
  /** Why this change keeps the fix from verifying; absent when it is what the fix should do. */
  problem?: string
}

export interface Verification {
  passed: boolean
  /** Each fixed check, and any check that got worse, before → after. */
  changes: CheckChange[]
  /** How many times the doctor was run to judge it (a missed probe round is retried). */
  rounds: number
}

const RANK: Record<Outcome, number> = {pass: 0, skip: 1, warn: 2, error: 3, fail: 4}

/** How checks are judged: which ones verification can compare, and the probes each rule reads. */
export interface Judging {
  /** False for a check whose probes verification did not re-send: its verdict is not comparable. */
  comparable: (id: string) => boolean
  probesOf: (id: string) => readonly ProbePurpose[]
}

/** The probe purposes that got an answer or a silence (not an error) about `network` in `report`. */
function probedPurposes(report: Report, network: string | undefined): Set<ProbePurpose> {
  return new Set((report.probes?.records ?? []).filter((record) => record.outcome !== 'error' && (!network || !record.network || record.network === network)).map((record) => record.purpose))
}

function fixedChange(step: FixStep, before: Report, after: Report, now: CheckResult | undefined, judging: Judging): CheckChange {
  const change: CheckChange = {id: step.check.id, subject: step.check.subject, before: step.check.outcome, after: now?.outcome ?? 'gone'}
  if (!now) return {...change, problem: 'the doctor no longer reports this check, so nothing proves it fixed'}
  if (now.outcome !== 'pass') return {...change, problem: now.message}
  const {network} = step.check.subject
  const probedAfter = probedPurposes(after, network)
  const unproven = judging.probesOf(step.check.id).filter((purpose) => probedPurposes(before, network).has(purpose) && !probedAfter.has(purpose))
  if (unproven.length > 0) return {...change, problem: `it passes on the collected facts alone: the ${unproven.join(', ')} probes that judged it before did not run after the fix`}
  return change
}

/**
 * Judges `after` against `before`. Checks whose verdicts rest on probes that verification did not re-send are not
 * compared (`comparable`). A check with a subject that did not exist before is compared with how its rule judged that
 * network before: it must not fail or error where the rule did not. (A new warning, such as a new shim that is not yet
 * persistent, is listed among what remains, not held against the fix.)
 */
export function verify(applied: FixStep[], before: Report, after: Report, judging: Judging, rounds = 1): Verification {
  const beforeByKey = new Map(before.checks.map((check) => [checkKey(check), check]))
  const afterByKey = new Map(after.checks.map((check) => [checkKey(check), check]))
  const fixed = applied.map((step) => fixedChange(step, before, after, afterByKey.get(checkKey(step.check)), judging))
  const fixedKeys = new Set(fixed.map(checkKey))
  const worse = after.checks.flatMap((now): CheckChange[] => {
    const key = checkKey(now)
    if (fixedKeys.has(key) || !judging.comparable(now.id)) return []
    const was = beforeByKey.get(key)
    if (was) return RANK[now.outcome] > RANK[was.outcome] ? [{id: now.id, subject: now.subject, before: was.outcome, after: now.outcome, problem: now.message}] : []
    const sameRuleBefore = before.checks.filter((check) => check.id === now.id && check.subject.network === now.subject.network)
    const baseline = Math.max(RANK.warn, ...sameRuleBefore.map((check) => RANK[check.outcome]))
    return RANK[now.outcome] > baseline ? [{id: now.id, subject: now.subject, before: 'absent', after: now.outcome, problem: now.message}] : []
  })
  return {passed: [...fixed, ...worse].every((change) => !change.problem), changes: [...fixed, ...worse], rounds}
}

/** How often the doctor is run before a fix is judged not to work: one lost probe round must not undo a correct fix. */
export const PROOF_ROUNDS = 3

/**
 * Runs the doctor (`diagnose`) until the fix verifies, at most `PROOF_ROUNDS` times. Another round is only worth it
 * when what failed rests on probes: a routing table read twice says the same thing twice.
 */
export async function verifyWithRetries(applied: FixStep[], before: Report, diagnose: () => Promise<Report>, judging: Judging): Promise<{verification: Verification; after: Report}> {
  for (let round = 1; ; round++) {
    const after = await diagnose()
    const verification = verify(applied, before, after, judging, round)
    const probeBased = (id: string) => after.probes !== undefined && judging.probesOf(id).length > 0
    const retry = !verification.passed && round < PROOF_ROUNDS && verification.changes.some((change) => change.problem && probeBased(change.id))
    if (!retry) return {verification, after}
  }
}
