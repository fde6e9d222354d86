/**
 * Each rule sees only what it declares, as Lighthouse's audits see only their `requiredArtifacts`: the snapshot slices
 * in `requires` and the probe records of the purposes in `probes`. Reading anything else throws UndeclaredRead, so a
 * declaration cut short fails that rule's tests instead of silently skipping the wrong rules when a slice fails, or
 * leaving a probe out of what `macvlan fix` re-sends to verify.
 */
import {HostModel} from '../model/host-model.js'
import type {ProbePurpose, ProbeResults} from '../probe/types.js'
import {SLICE_NAMES, type SliceName, type Snapshot} from '../snapshot/types.js'
import type {RuleInput, RuleMeta} from './types.js'

class UndeclaredRead extends Error {
  constructor(
    readonly rule: string,
    readonly what: string,
  ) {
    super(`rule ${rule} reads ${what} without declaring it`)
  }
}

/** What a rule read of what it declared: the slices and probe purposes it touched. */
export interface ReadLog {
  slices: Set<SliceName>
  purposes: Set<ProbePurpose>
}

/** The purposes each narrowed probe results may be asked for, and who asks. */
const declaredPurposes = new WeakMap<ProbeResults, {rule: string; purposes: readonly ProbePurpose[]; log?: ReadLog}>()

const isSlice = (property: string | symbol): property is SliceName => typeof property === 'string' && (SLICE_NAMES as readonly string[]).includes(property)

function narrowSnapshot(snapshot: Snapshot, meta: RuleMeta, log?: ReadLog): Snapshot {
  return new Proxy(snapshot, {
    get(target, property, receiver) {
      if (isSlice(property)) {
        if (!meta.requires.includes(property) && !meta.optional?.includes(property)) throw new UndeclaredRead(meta.id, `the ${property} slice`)
        log?.slices.add(property)
      }
      return Reflect.get(target, property, receiver) as unknown
    },
  })
}

function narrowProbes(probes: ProbeResults, meta: RuleMeta, log?: ReadLog): ProbeResults {
  const declared = meta.probes ?? []
  const narrowed: ProbeResults = {
    ...probes,
    records: probes.records.filter((record) => declared.includes(record.purpose)),
    skipped: probes.skipped.flatMap((skip) => {
      const purposes = skip.purposes.filter((purpose) => declared.includes(purpose))
      return purposes.length > 0 ? [{...skip, purposes}] : []
    }),
  }
  declaredPurposes.set(narrowed, {rule: meta.id, purposes: declared, ...(log ? {log} : {})})
  return narrowed
}

/** `input` as the rule of `meta` may see it; `log`, when given, is told what it read. */
export function narrowInput(input: Omit<RuleInput, 'model'>, meta: RuleMeta, log?: ReadLog): RuleInput {
  const snapshot = narrowSnapshot(input.snapshot, meta, log)
  return {...input, snapshot, model: new HostModel(snapshot), ...(input.probes ? {probes: narrowProbes(input.probes, meta, log)} : {})}
}

/** Throws UndeclaredRead when a rule asks narrowed probe results for a purpose it did not declare. */
export function assertDeclaredProbe(probes: ProbeResults | undefined, purpose: ProbePurpose): void {
  const declared = probes && declaredPurposes.get(probes)
  if (!declared) return
  if (!declared.purposes.includes(purpose)) throw new UndeclaredRead(declared.rule, `the ${purpose} probes`)
  declared.log?.purposes.add(purpose)
}
