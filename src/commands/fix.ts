import {createInterface} from 'node:readline/promises'

import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {UserError} from '../errors.js'
import {FIX_FORMATS, renderApplied, renderFix, type FixFormat} from '../fix/render.js'
import {applyChanges, changesOf, fixExitCode, isEmpty, planFix} from '../fix/session.js'
import {shellLine} from '../exec/quote.js'
import {diagnosisFlags, diagnosisOptions, outputFlags} from '../options.js'
import {STDOUT, writeOutput} from '../output.js'
import {progressLine} from '../progress.js'
import {printable} from '../render/printable.js'

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

Exit codes, one meaning each:
  0/1/2    the host's status (ok, warn, fail): of the plan, or after --apply once the fix verified
  3        could not run: bad input, not root, not confirmed, or the host could not be diagnosed
  4        rolled back: a command or the verification failed, and everything done was undone (the host is as it was)
  5        the rollback itself failed somewhere: the host is neither as it was nor fixed (the report lists what)
  130/143  interrupted by SIGINT/SIGTERM, after undoing everything done`
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
    const changing = flags.apply || flags.persist
    if (changing && flags.from) throw new UserError('--apply and --persist change this host, and a saved snapshot may describe another', 'Drop --from to fix this host, or drop --apply/--persist to print the plan.', 3, 'usage')
    if (changing && flags.redact) throw new UserError('--redact hides the names and addresses that --apply and --persist must show before they change this host', 'Drop --redact to apply, or drop --apply/--persist to print a redacted plan.', 3, 'usage')
    if (flags.persist && process.env.MACVLAN_DOCTOR_HOST_ROOT) throw new UserError(`--persist writes the host's network files, and this runs with the host's /etc mounted below ${process.env.MACVLAN_DOCTOR_HOST_ROOT} (read-only in the image)`, 'Run macvlan fix --persist on the host itself, or drop --persist to apply the runtime part only.', 3, 'usage')
    if (changing && process.getuid?.() !== 0) throw new UserError('--apply and --persist change links, routes and files in /etc, which needs root', `Run it as root: sudo ${shellLine(this.commandLine())}`, 3, 'needs-root')
    const format: FixFormat = this.jsonEnabled() ? 'json' : ((flags.format as FixFormat | undefined) ?? 'table')
    const {options, failOn} = await diagnosisOptions(flags, this.commandLine())
    const toFile = flags.output !== undefined && flags.output !== STDOUT
    // With --output the plan and what was applied go to the file in one write, at the end.
    const written: string[] = []
    const emit = (text: string) => (toFile ? written.push(text) : process.stdout.write(text))
    const progress = progressLine('macvlan fix', format !== 'json' && !toFile)
    const {before, plan} = await planFix(options, {onPhase: progress.onPhase, redact: flags.redact})
    progress.clear()
    if (!changing) {
      emit(renderFix({plan}, format))
      if (toFile) await writeOutput(flags.output, written.join(''))
      process.exitCode = fixExitCode(plan, undefined, failOn)
      return
    }
    if (format !== 'json') emit(renderFix({plan}, format))
    const changes = changesOf(plan, {apply: flags.apply, persist: flags.persist})
    if (!isEmpty(changes) && !flags.yes) {
      if (!process.stdin.isTTY) throw new UserError(`not applying ${changes.description}: there is no terminal to confirm on`, 'Re-run with --yes to apply without asking.', 3, 'needs-confirmation')
      if (!(await confirmed(`Apply ${changes.description} to this host?`))) throw new UserError('nothing was changed: not confirmed', undefined, 3, 'not-confirmed')
    }
    const apply = await applyChanges(changes, before, {...options, commandTimeoutMs: flags.timeout, onPhase: progress.onPhase})
    progress.clear()
    emit(format === 'json' ? renderFix({plan, apply}, format) : renderApplied(apply, format))
    if (toFile) await writeOutput(flags.output, written.join(''))
    process.exitCode = fixExitCode(plan, apply, failOn)
    if (apply.result === 'rollback-incomplete') {
      const failures = (apply.rolledBack ?? []).filter((undo) => undo.error).map((undo) => `${undo.command}: ${undo.error}`)
      process.stderr.write(`${this.config.bin}: could not undo everything (${printable(failures.join('; '))}); the host is neither as it was nor fixed.\n`)
    } else if (apply.failed) {
      process.stderr.write(`${this.config.bin}: ${printable(`${apply.failed.command} failed (${apply.failed.error ?? 'no message'})`)}; everything applied before it was undone — see the plan above.\n`)
    } else if (apply.result === 'rolled-back') {
      const problems = (apply.verification?.changes ?? []).filter((entry) => entry.problem).map((entry) => `${entry.id}: ${entry.before} → ${entry.after}`)
      process.stderr.write(`${this.config.bin}: the fix did not verify (${printable(problems.join('; '))}); every change was undone.\n`)
    }
  }
}
