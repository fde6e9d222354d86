import {spawnSync} from 'node:child_process'
import {createInterface} from 'node:readline/promises'

import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import type {FixAction} from '../engine/types.js'
import {diagnosisFlags, diagnosisOptions, outputFlags} from '../options.js'
import {STDOUT, writeOutput} from '../output.js'
import {progressLine} from '../progress.js'
import type {Report} from '../engine/report.js'
import {exitCodeFor} from '../engine/status.js'
import {UserError} from '../errors.js'
import {applyActions, restoreFiles, rollBack, runWithoutShell, undoOrder, uniqueActions, verify, writePersistence, type CommandResult, type Runner, type WrittenFile} from '../fix/apply.js'
import {addressesToProve, buildFixPlan, proofFromRecord, type AddressProof, type FixPlan} from '../fix/plan.js'
import {FIX_FORMATS, renderApplied, renderFix, type ApplyReport, type FixFormat} from '../fix/render.js'
import {onInterrupt} from '../interrupt.js'
import {shellLine} from '../model/commands.js'
import {HostModel} from '../model/host-model.js'
import {diagnose, redactDiagnosis, type DoctorOptions} from '../pipeline.js'
import {proveFree} from '../probe/run.js'
import {printable} from '../render/printable.js'
import type {ProbePurpose} from '../probe/types.js'
import {RULES} from '../rules/index.js'

/** Reachability is what a runtime fix changes, so verification always re-sends these (about one probe timeout). */
const REACHABILITY: ProbePurpose[] = ['host-to-container', 'host-to-gateway', 'container-to-gateway', 'container-to-host', 'container-to-peer']

const probesOf = (id: string) => RULES.find((rule) => rule.meta.id === id)?.meta.probes ?? []

async function proveAddresses(byParent: Map<string, string[]>, timeoutMs: number): Promise<AddressProof[]> {
  const proofs = await Promise.all(
    [...byParent].map(async ([parent, addresses]) => {
      try {
        return (await proveFree(parent, addresses, timeoutMs)).map((record) => proofFromRecord(record, parent))
      } catch (error) {
        return addresses.map((address): AddressProof => ({address, parent, verdict: 'unproven', detail: `the ARP probe could not run (${(error as Error).message})`}))
      }
    }),
  )
  return proofs.flat()
}

async function confirmed(question: string): Promise<boolean> {
  const prompt = createInterface({input: process.stdin, output: process.stderr})
  try {
    return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim())
  } finally {
    prompt.close()
  }
}

export default class Fix extends BaseCommand {
  static override summary = 'Print the exact remedy for this host; apply it on request, verified, rolled back if it does not work.'
  static override description = `Runs the doctor, then prints, for every failing or warning check that has a remedy, the commands with this host's real names and addresses: what --apply may run (each with its undo), what only a person should do (recreating a network is printed, never run), and how each shim survives a reboot in the language of the network manager that owns its parent.

--apply shows the plan, asks (or takes --yes), runs the runtime part without a shell, then re-runs the doctor with the reachability probes. If a command fails, or a fixed check does not pass, or a passing check gets worse, everything it did is undone in reverse.
--persist writes the persistence files (any file it replaces is kept as <file>.bak-<time>).

Exit codes: 0/1/2 the host's status (after --apply: once verified), 2 also when verification failed and the changes were rolled back, 3 when it could not run (not root, no confirmation, a command failed, bad input).`
  static override examples = [
    '<%= config.bin %> fix',
    '<%= config.bin %> fix --network lan --format markdown > ticket.md',
    'sudo <%= config.bin %> fix --apply',
    'sudo <%= config.bin %> fix --apply --persist --yes',
    '<%= config.bin %> fix --from snapshot.json --format json',
  ]

  static override enableJsonFlag = true

  static override flags = {
    ...diagnosisFlags,
    apply: Flags.boolean({description: 'Apply the runtime part after confirmation, verify it with probes, roll it back if it does not work. Needs root.'}),
    persist: Flags.boolean({description: 'Write the files that make each shim survive a reboot, backing up any file replaced. Needs root.'}),
    yes: Flags.boolean({char: 'y', description: 'Do not ask for confirmation (for scripts).'}),
    ...outputFlags(FIX_FORMATS),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Fix)
    const changes = flags.apply || flags.persist
    if (changes && flags.from) throw new UserError('--apply and --persist change this host, and a saved snapshot may describe another', 'Drop --from to fix this host, or drop --apply/--persist to print the plan.', 3, 'usage')
    if (changes && flags.redact) throw new UserError('--redact hides the names and addresses that --apply and --persist must show before they change this host', 'Drop --redact to apply, or drop --apply/--persist to print a redacted plan.', 3, 'usage')
    if (changes && process.getuid?.() !== 0) throw new UserError('--apply and --persist change links, routes and files in /etc, which needs root', `Run it as root: sudo ${shellLine(this.commandLine())}`, 3, 'needs-root')
    const format: FixFormat = this.jsonEnabled() ? 'json' : ((flags.format as FixFormat | undefined) ?? 'table')
    const {options, failOn} = await diagnosisOptions(flags, this.commandLine())
    const toFile = flags.output !== undefined && flags.output !== STDOUT
    // With --output the plan and what was applied go to the file in one write, at the end.
    const written: string[] = []
    const emit = (text: string) => (toFile ? written.push(text) : process.stdout.write(text))
    const progress = progressLine('macvlan fix', format !== 'json' && !toFile)
    const before = await diagnose({...options, onPhase: progress.onPhase})
    const toProve = addressesToProve(before.report)
    if (toProve.size > 0 && options.probe && !options.from) progress.onPhase?.('proving addresses free')
    const proofs = options.probe && !options.from ? await proveAddresses(toProve, options.probe.timeoutMs) : []
    progress.clear()
    const shown = flags.redact ? redactDiagnosis(before, options, proofs) : {...before, proofs}
    const plan = buildFixPlan(shown.report, new HostModel(shown.snapshot), shown.proofs)
    if (!changes) {
      emit(renderFix({plan}, format))
      if (toFile) await writeOutput(flags.output, written.join(''))
      process.exitCode = exitCodeFor(plan.status, failOn)
      return
    }
    if (format !== 'json') emit(renderFix({plan}, format))
    const apply = await this.change(plan, {...options, onPhase: progress.onPhase}, before.report, {apply: flags.apply, persist: flags.persist, yes: flags.yes})
    progress.clear()
    emit(format === 'json' ? renderFix({plan, apply}, format) : renderApplied(apply, format))
    if (toFile) await writeOutput(flags.output, written.join(''))
    if (apply.failed) {
      process.exitCode = 3
      process.stderr.write(`${this.config.bin}: ${printable(`${apply.failed.command} failed (${apply.failed.error ?? 'no message'})`)}; everything applied before it was undone — see the plan above.\n`)
    } else if (apply.verification && !apply.verification.passed) {
      process.exitCode = 2
      process.stderr.write(`${this.config.bin}: the fix did not verify (${printable(apply.verification.changes.map((entry) => `${entry.id}: ${entry.before} → ${entry.after}`).join('; '))}); every change was undone.\n`)
    } else process.exitCode = exitCodeFor(apply.statusAfter ?? plan.status, failOn)
  }

  /** Runs what the plan showed and nothing else; undoes all of it when a step fails or verification does. */
  private async change(plan: FixPlan, options: DoctorOptions, before: Report, what: {apply: boolean; persist: boolean; yes: boolean}): Promise<ApplyReport> {
    const steps = what.apply ? plan.steps.filter((step) => step.runtime.length > 0) : []
    const actions = uniqueActions(steps)
    const entries = what.persist ? plan.persistence.map((entry) => entry.persistence) : []
    if (actions.length === 0 && entries.length === 0) return {applied: [], persisted: []}
    const count = `${actions.length} runtime change${actions.length === 1 ? '' : 's'}${entries.length > 0 ? ` and ${entries.flatMap((entry) => entry.files).length} file(s)` : ''}`
    if (!what.yes) {
      if (!process.stdin.isTTY) throw new UserError(`not applying ${count}: there is no terminal to confirm on`, 'Re-run with --yes to apply without asking.', 3, 'needs-confirmation')
      if (!(await confirmed(`Apply ${count} to this host?`))) throw new UserError('nothing was changed: not confirmed', undefined, 3, 'not-confirmed')
    }
    const run = runWithoutShell(options.timeoutMs)
    const written: WrittenFile[] = []
    const done: FixAction[] = []
    const undoNow = () => {
      for (const undo of undoOrder(done)) spawnSync(undo[0] ?? '', undo.slice(1), {stdio: 'ignore'})
      restoreFiles(written)
    }
    const forget = onInterrupt(undoNow)
    try {
      const failed = await applyActions(actions, run, done)
      const applied = done.map((action) => shellLine(action.run))
      if (failed) return {applied, failed, persisted: [], rolledBack: await this.undo(done, written, run)}
      await writePersistence(entries, new Date().toISOString().replaceAll(/[-:.]/g, ''), written)
      if (steps.length === 0) return {applied, persisted: written}
      const purposes = new Set([...REACHABILITY, ...steps.flatMap((step) => probesOf(step.check.id))])
      const after = await diagnose({...options, probe: options.probe ? {...options.probe, purposes} : undefined})
      const comparable = (id: string) => !options.probe || probesOf(id).every((purpose) => purposes.has(purpose))
      const verification = verify(steps, before, after.report, comparable)
      if (!verification.passed) {
        const persisted = [...written]
        return {applied, persisted, verification, rolledBack: await this.undo(done, written, run)}
      }
      const remaining = after.report.checks.filter((check) => check.outcome === 'warn' || check.outcome === 'fail').map(({id, subject, outcome}) => ({id, subject, outcome}))
      return {applied, persisted: written, verification, statusAfter: after.report.status, remaining}
    } catch (error) {
      await this.undo(done, written, run)
      throw error
    } finally {
      forget()
    }
  }

  /** Takes back `done` and the files written, and empties both so an interrupt cannot undo them twice. */
  private async undo(done: FixAction[], written: WrittenFile[], run: Runner): Promise<CommandResult[]> {
    const results = await rollBack(done.splice(0), run)
    restoreFiles(written.splice(0))
    return results
  }
}
