/**
 * Causes before symptoms: the report's failing and warning checks folded under the root causes that explain them, as
 * every format shows them (each root once, its fix once, its consequences listed under it).
 */
import {refText} from '../engine/causal.js'
import type {Report} from '../engine/report.js'
import type {CheckResult} from '../engine/types.js'
import {checkKey} from '../fix/plan.js'

export interface RootCause {
  check: CheckResult
  /** Every check of the report that this root cause explains, directly or through another consequence. */
  consequences: CheckResult[]
}

export interface CausalView {
  /** Failing and warning checks that nothing in this report explains, failures first, then in report order. */
  roots: RootCause[]
  /** Checks that are folded under a root cause. */
  explained: Set<CheckResult>
}

const isProblem = (check: CheckResult) => check.outcome === 'fail' || check.outcome === 'warn'

export function causalView(report: Pick<Report, 'checks'>): CausalView {
  const byKey = new Map(report.checks.filter(isProblem).map((check) => [checkKey(check), check]))
  const causesOf = (check: CheckResult) => (check.causedBy ?? []).flatMap((ref) => byKey.get(checkKey(ref)) ?? [])
  /** The checks above `check` that nothing explains; a cause that is not in the report explains nothing, and a cycle without such a check has no root. */
  const rootsAbove = (check: CheckResult, seen: Set<CheckResult>): CheckResult[] => {
    const causes = causesOf(check)
    if (causes.length === 0) return [check]
    seen.add(check)
    return [...new Set(causes.filter((cause) => !seen.has(cause)).flatMap((cause) => rootsAbove(cause, seen)))]
  }
  const roots = new Map<CheckResult, CheckResult[]>()
  const explained = new Set<CheckResult>()
  for (const check of report.checks) {
    if (!check.causedBy?.length) continue
    const above = rootsAbove(check, new Set()).filter((root) => root !== check)
    if (above.length === 0) continue
    explained.add(check)
    for (const root of above) roots.set(root, [...(roots.get(root) ?? []), check])
  }
  const ordered = report.checks.filter((check) => isProblem(check) && !explained.has(check)).sort((a, b) => Number(b.outcome === 'fail') - Number(a.outcome === 'fail'))
  return {roots: ordered.map((check) => ({check, consequences: roots.get(check) ?? []})), explained}
}

/** Root causes named in a one-line summary; the rest are counted. */
const NAMED = 5

/** "1 problem: parent-down (eth1)", worst first, at most five named and the rest counted; "0 problems" on a healthy host. */
export function problemsText(view: CausalView): string {
  const count = `${view.roots.length} ${view.roots.length === 1 ? 'problem' : 'problems'}`
  const names = [...new Set(view.roots.map((root) => refText(root.check)))]
  if (names.length === 0) return count
  return `${count}: ${names.slice(0, NAMED).join(', ')}${names.length > NAMED ? `, ${names.length - NAMED} more` : ''}`
}

/** "host-isolation, container-route ×2" */
export function consequenceList(consequences: CheckResult[]): string {
  const counts = new Map<string, number>()
  for (const check of consequences) counts.set(check.id, (counts.get(check.id) ?? 0) + 1)
  return [...counts].map(([id, count]) => (count > 1 ? `${id} ×${count}` : id)).join(', ')
}
