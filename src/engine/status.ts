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

/** The exit code under a --fail-on policy: with `fail`, warnings exit 0 (cron and timers alert on failures only). */
export function exitCodeFor(status: Status, failOn: 'warn' | 'fail'): number {
  return failOn === 'fail' && status === 'warn' ? 0 : EXIT_CODES[status]
}
