import {HostModel, MissingSlice} from '../model/host-model.js'
import type {Snapshot} from '../snapshot/types.js'
import type {ProbeResults} from '../probe/types.js'
import {explainChecks, hostPlaces} from './causal.js'
import {narrowInput} from './narrow.js'
import {DEFAULT_SETTINGS, type CheckResult, type Finding, type Rule, type RuleInput, type RuleSettings} from './types.js'

export function docsPath(ruleId: string): string {
  return `docs/rules/${ruleId}.md`
}

function resultOf(rule: Rule, finding: Finding): CheckResult {
  const {id, code, title} = rule.meta
  return {id, code, title, docs: docsPath(id), ...finding}
}

function missingDataSkip(rule: Rule, reason: string): CheckResult {
  return resultOf(rule, {outcome: 'skip', skipKind: 'missing-data', subject: {}, message: `Not checked: ${reason}`})
}

/**
 * Runs every rule over the snapshot, in registry order. A rule whose required slice failed is skipped
 * with that slice's reason; a rule that throws becomes an `error` result instead of ending the run.
 * Then the causal layer names, for each finding an upstream one explains, its root cause (`ignored` checks explain nothing).
 */
export function evaluateRules(rules: readonly Rule[], snapshot: Snapshot, settings: RuleSettings = DEFAULT_SETTINGS, probes?: ProbeResults, ignored: readonly string[] = []): CheckResult[] {
  const model = new HostModel(snapshot)
  const results: CheckResult[] = []
  let stoppedBy: CheckResult | undefined
  for (const rule of rules) {
    const found = stoppedBy
      ? [resultOf(rule, {outcome: 'skip', skipKind: 'not-applicable', subject: {}, message: `Not checked: ${stoppedBy.message}`})]
      : evaluateRule(rule, {snapshot, settings, ...(probes ? {probes} : {})})
    if (rule.meta.stopsOnFail) stoppedBy ??= found.find((result) => result.outcome === 'fail')
    results.push(...found)
  }
  return explainChecks(rules, results, hostPlaces(model), ignored)
}

/** One rule over the slices and probe records it declares (see narrow.ts). */
function evaluateRule(rule: Rule, input: Omit<RuleInput, 'model'>): CheckResult[] {
  const {snapshot} = input
  const failed = rule.meta.requires.find((name) => {
    const slice = snapshot[name]
    return !slice || 'error' in slice
  })
  if (failed) {
    const slice = snapshot[failed]
    return [missingDataSkip(rule, slice && 'error' in slice ? `${failed} could not be collected (${slice.error.message})` : `${failed} is not in this snapshot (an older macvlan-doctor took it)`)]
  }
  try {
    const findings = rule.evaluate(narrowInput(input, rule.meta))
    if (findings.length === 0) {
      return [resultOf(rule, {outcome: 'skip', skipKind: 'not-applicable', subject: {}, message: 'Nothing to check: no macvlan network this rule applies to.'})]
    }
    return findings.map((finding) => resultOf(rule, finding))
  } catch (error) {
    if (error instanceof MissingSlice) return [missingDataSkip(rule, `${error.slice} could not be collected (${error.reason})`)]
    return [resultOf(rule, {outcome: 'error', subject: {}, message: `The rule crashed: ${error instanceof Error ? error.message : String(error)}`})]
  }
}
