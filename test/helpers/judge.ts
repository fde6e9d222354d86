import {evaluateRules} from '../../src/engine/evaluate.js'
import {DEFAULT_SETTINGS, type CheckResult, type Rule, type RuleSettings} from '../../src/engine/types.js'
import type {Snapshot} from '../../src/snapshot/types.js'
import {probesOf, snapshotOf, type HostExample} from './examples.js'

/** Runs one rule over a snapshot or a host example, as the engine would. */
export function judge(rule: Rule, host: Snapshot | HostExample, settings: Partial<RuleSettings> = {}): CheckResult[] {
  const built = 'schemaVersion' in host ? (host as Snapshot) : snapshotOf(host as HostExample)
  const example = 'schemaVersion' in host ? undefined : (host as HostExample)
  return evaluateRules([rule], built, {...DEFAULT_SETTINGS, ...example?.settings, ...settings}, example ? probesOf(example) : undefined)
}
