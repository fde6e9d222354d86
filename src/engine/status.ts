import type {CheckResult} from './types.js'

export type Status = 'ok' | 'warn' | 'fail' | 'unknown'

/** Monitoring Plugins exit codes: the same in every output mode. */
export const EXIT_CODES: Record<Status, number> = {ok: 0, warn: 1, fail: 2, unknown: 3}

/**
 * The worst outcome wins. A check that could not run (an `error`, or a skip for missing data) is never a pass:
 * with nothing worse found it makes the status `unknown`, because the host was not fully diagnosed.
 */
export function overallStatus(checks: readonly CheckResult[]): Status {
  if (checks.some((check) => check.outcome === 'fail')) return 'fail'
  if (checks.some((check) => check.outcome === 'warn')) return 'warn'
  const undiagnosed = checks.some((check) => check.outcome === 'error' || (check.outcome === 'skip' && check.skipKind !== 'not-applicable'))
  if (undiagnosed || checks.length === 0) return 'unknown'
  return 'ok'
}

export type FailOn = 'warn' | 'fail'

/** The status under a --fail-on policy: with `fail`, warnings are ok (cron and timers alert on failures only). */
export function statusUnder(status: Status, failOn: FailOn = 'warn'): Status {
  return failOn === 'fail' && status === 'warn' ? 'ok' : status
}

/** The exit code under a --fail-on policy, always the one of the status word the report prints. */
export function exitCodeFor(status: Status, failOn: FailOn): number {
  return EXIT_CODES[statusUnder(status, failOn)]
}
