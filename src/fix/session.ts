/**
 * One `macvlan fix` session: diagnose, prove the addresses a fix would take, plan; then, when asked, apply the plan's
 * runtime part and files, verify with the doctor, and take everything back when a step or the verification fails, or
 * when a signal arrives. Taking back has one path, synchronous so a signal handler can use it.
 */
import type {Report} from '../engine/report.js'
import {exitCodeFor} from '../engine/status.js'
import type {FixAction} from '../engine/types.js'
import {onInterrupt} from '../interrupt.js'
import {hostChanger, hostUndoer, type Runner} from '../exec/change.js'
import {stopChildSync} from '../exec/run.js'
import {shellLine} from '../exec/quote.js'
import {HostModel} from '../model/host-model.js'
import type {Persistence} from '../remedy/persistence.js'
import {diagnose, redactDiagnosis, type DoctorOptions} from '../pipeline.js'
import {proveFree} from '../probe/kinds/arp.js'
import type {ProbePurpose} from '../probe/types.js'
import {RULES} from '../rules/index.js'
import {applyActions, restoreFiles, rollBack, uniqueActions, writePersistence, type CommandResult, type JournalEntry, type WrittenFile} from './apply.js'
import {addressesToProve, buildFixPlan, checkKey, proofFromRecord, type AddressProof, type FixPlan, type FixStep} from './plan.js'
import type {ApplyReport} from './render.js'
import {verifyWithRetries} from './verify.js'

/** Reachability is what a runtime fix changes, so verification always re-sends these (about one probe timeout). */
const REACHABILITY: ProbePurpose[] = ['host-to-container', 'host-to-gateway', 'container-to-gateway', 'container-to-host', 'container-to-peer']

const probesOf = (id: string) => RULES.find((rule) => rule.meta.id === id)?.meta.probes ?? []

/**
 * What verification re-sends after fixing `fixed`: reachability, the probes of the fixed checks, and every other probe
 * of a rule that reads any of those. A rule judged on part of its probes would find its question unanswered, and the
 * host's status after the fix would be "unknown" for a reason the fix made up.
 */
export function verificationPurposes(fixed: string[]): Set<ProbePurpose> {
  const purposes = new Set<ProbePurpose>([...REACHABILITY, ...fixed.flatMap(probesOf)])
  let size = 0
  while (size !== purposes.size) {
    size = purposes.size
    for (const rule of RULES) if (rule.meta.probes?.some((purpose) => purposes.has(purpose))) for (const purpose of rule.meta.probes) purposes.add(purpose)
  }
  return purposes
}

async function proveAddresses(byParent: Map<string, string[]>, waitMs: number): Promise<AddressProof[]> {
  const proofs = await Promise.all(
    [...byParent].map(async ([parent, addresses]) => {
      try {
        return (await proveFree(parent, addresses, waitMs)).map((record) => proofFromRecord(record, parent))
      } catch (error) {
        return addresses.map((address): AddressProof => ({address, parent, verdict: 'unproven', detail: `the ARP probe could not run (${(error as Error).message})`}))
      }
    }),
  )
  return proofs.flat()
}

/**
 * The doctor's report and the plan made from it, with every address the plan would take unreserved proven by ARP.
 * With `redact`, the plan shows pseudonyms (for a ticket); the report stays the host's own, to compare with after a fix.
 */
export async function planFix(options: DoctorOptions, how: {onPhase?: (phase: string) => void; redact?: boolean} = {}): Promise<{before: Report; plan: FixPlan}> {
  const diagnosis = await diagnose({...options, onPhase: how.onPhase})
  const toProve = addressesToProve(diagnosis.report)
  const probing = options.probe && !options.from
  if (toProve.size > 0 && probing) how.onPhase?.('proving addresses free')
  const proofs = probing ? await proveAddresses(toProve, options.probe?.waitMs ?? 1000) : []
  const shown = how.redact ? redactDiagnosis(diagnosis, options, proofs) : {...diagnosis, proofs}
  return {before: diagnosis.report, plan: buildFixPlan(shown.report, new HostModel(shown.snapshot), shown.proofs)}
}

/** What a session would change: the runtime part (`--apply`) and the persistence files (`--persist`) of a plan. */
export interface Changes {
  steps: FixStep[]
  actions: FixAction[]
  persistence: Persistence[]
  /** "4 runtime changes and 1 file(s)", for the confirmation question. */
  description: string
}

export function changesOf(plan: FixPlan, what: {apply: boolean; persist: boolean}): Changes {
  const steps = what.apply ? plan.steps.filter((step) => step.runtime.length > 0) : []
  const actions = uniqueActions(steps)
  const persistence = what.persist ? plan.persistence.map((entry) => entry.persistence) : []
  const files = persistence.flatMap((entry) => [...entry.files, ...(entry.links ?? [])]).length
  const description = `${actions.length} runtime change${actions.length === 1 ? '' : 's'}${files > 0 ? ` and ${files} file(s)` : ''}`
  return {steps, actions, persistence, description}
}

export const isEmpty = (changes: Changes) => changes.actions.length === 0 && changes.persistence.length === 0

/**
 * One meaning per exit code. 0/1/2: the host's status (ok, warn, fail) for a plan, or after an apply that verified;
 * 3: could not run (bad input, not root, not confirmed, not diagnosable); 4: rolled back (a step or the verification
 * failed, and everything was taken back: the host is as it was); 5: taking back failed somewhere (see the report).
 */
export const FIX_EXIT_CODES = {rolledBack: 4, rollbackIncomplete: 5} as const

export function fixExitCode(plan: FixPlan, apply: ApplyReport | undefined, failOn: 'warn' | 'fail'): number {
  if (apply?.result === 'rolled-back') return FIX_EXIT_CODES.rolledBack
  if (apply?.result === 'rollback-incomplete') return FIX_EXIT_CODES.rollbackIncomplete
  return exitCodeFor(apply?.statusAfter ?? plan.status, failOn)
}

const rolledBack = (results: CommandResult[]): Pick<ApplyReport, 'result' | 'rolledBack'> => ({result: results.some((undo) => undo.error) ? 'rollback-incomplete' : 'rolled-back', rolledBack: results})

/** Runs `changes` and nothing else; undoes all of it when a step fails, verification fails, or a signal arrives. */
/** `commandTimeoutMs`: the time limit of each command that changes the host or takes a change back. */
export async function applyChanges(changes: Changes, before: Report, options: DoctorOptions & {commandTimeoutMs: number}): Promise<ApplyReport> {
  const {steps, actions} = changes
  if (isEmpty(changes)) return {result: 'nothing', applied: [], persisted: []}
  let running: number | undefined
  const spawn = hostChanger(options.commandTimeoutMs, (pid) => (running = pid))
  const run: Runner = async (argv) => {
    try {
      return await spawn(argv)
    } finally {
      running = undefined
    }
  }
  const written: WrittenFile[] = []
  const journal: JournalEntry[] = []
  // Takes back the journal and the files written, and empties both so nothing is undone twice. A signal may arrive
  // while a change's program runs: it is stopped first, so its change cannot land after the undo.
  const undo = (): CommandResult[] => {
    if (running !== undefined) stopChildSync(running)
    const results = rollBack(journal.splice(0), hostUndoer(options.commandTimeoutMs))
    restoreFiles(written.splice(0))
    return results
  }
  const forget = onInterrupt(undo)
  try {
    const failed = await applyActions(actions, run, journal)
    const applied = journal.map((entry) => shellLine(entry.action.run))
    if (failed) return {applied, failed, persisted: [], ...rolledBack(undo())}
    await writePersistence(changes.persistence, new Date().toISOString().replaceAll(/[-:.]/g, ''), written)
    if (steps.length === 0) return {result: 'written', applied, persisted: written}
    const purposes = verificationPurposes(steps.map((step) => step.check.id))
    const rediagnose = async () => (await diagnose({...options, probe: options.probe ? {...options.probe, purposes} : undefined})).report
    const comparable = (id: string) => !options.probe || probesOf(id).every((purpose) => purposes.has(purpose))
    const {verification, after} = await verifyWithRetries(steps, before, rediagnose, {comparable, probesOf})
    if (!verification.passed) {
      const persisted = [...written]
      return {applied, persisted, verification, ...rolledBack(undo())}
    }
    const beforeByKey = new Map(before.checks.map((check) => [checkKey(check), check.outcome]))
    const remaining = after.checks.filter((check) => check.outcome === 'warn' || check.outcome === 'fail').map(({id, subject, outcome}) => ({id, subject, outcome, before: beforeByKey.get(checkKey({id, subject})) ?? ('absent' as const)}))
    return {result: 'verified', applied, persisted: written, verification, statusAfter: after.status, remaining}
  } catch (error) {
    undo()
    throw error
  } finally {
    forget()
  }
}
