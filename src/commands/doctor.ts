import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import type {Report} from '../engine/report.js'
import {exitCodeFor} from '../engine/status.js'
import {diagnosisFlags, diagnosisOptions, outputFlags, saveFlag, saveTarget} from '../options.js'
import {STDOUT, writeAtomically, writeReport} from '../output.js'
import {runDoctor, savedFile} from '../pipeline.js'
import {progressLine} from '../progress.js'
import {FORMATS, type Format} from '../render/index.js'

export default class Doctor extends BaseCommand {
  static override summary = 'Diagnose the Docker macvlan networks on this host.'
  static override description = `Collects link, address, route and Docker facts, evaluates every rule and prints what is broken, the evidence and the fix.

Exit codes (Monitoring Plugins convention, the same in every format):
  0  ok: every check passed
  1  warnings (0 with --fail-on fail)
  2  failures
  3  could not diagnose (Docker unreachable, bad input, a check could not run)

Settings can also come from /etc/macvlan-doctor.json (or --config): {"ignore": [...], "failOn": "warn"|"fail", "dhcpRanges": [...], "macSprawlThreshold": N}. Flags win.`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> doctor',
    '<%= config.bin %> doctor --network lan --verbose',
    '<%= config.bin %> doctor --json > report.json',
    '<%= config.bin %> doctor --save bundle.json',
    '<%= config.bin %> doctor --from bundle.json',
    '<%= config.bin %> doctor --format markdown --redact --save bundle.json --output ticket.md',
    '<%= config.bin %> doctor --format markdown --redact --output ticket.md',
    '<%= config.bin %> doctor --format prometheus --output /var/lib/node_exporter/textfile/macvlan.prom --fail-on fail',
    '<%= config.bin %> doctor --format nagios',
  ]

  static override flags = {
    ...diagnosisFlags,
    ...outputFlags(FORMATS),
    verbose: Flags.boolean({char: 'v', description: 'Also list passing and not-applicable checks.'}),
    save: saveFlag,
  }

  async run(): Promise<Report> {
    const {flags} = await this.parse(Doctor)
    const {options, failOn} = await diagnosisOptions(flags, this.commandLine())
    const format: Format = this.jsonEnabled() ? 'json' : ((flags.format as Format | undefined) ?? 'table')
    const toFile = flags.output !== undefined && flags.output !== STDOUT
    const progress = progressLine('macvlan doctor', !this.jsonEnabled() && !toFile)
    const save = saveTarget(flags.save, flags.output)
    const diagnosis = await runDoctor({...options, redact: flags.redact, onPhase: progress.onPhase})
    progress.clear()
    if (save !== undefined) {
      const saved = savedFile(diagnosis)
      // Like a snapshot, a bundle names hosts and containers: readable by its owner only.
      await writeAtomically(save, `${JSON.stringify(saved, null, 2)}\n`, {mode: 0o600})
      // On stderr in every mode (oclif's logToStderr is silent under --json): stdout is the report's.
      process.stderr.write(`${'probes' in saved ? 'bundle' : 'snapshot (no probes ran)'} written to ${save}\n`)
    }
    const {report} = diagnosis
    // Set, not this.exit(): oclif turns custom exit codes into 1 under --json (oclif/core#1423).
    process.exitCode = exitCodeFor(report.status, failOn)
    if (this.jsonEnabled() && !toFile) return report
    await writeReport(report, format, {output: flags.output, verbose: flags.verbose, failOn})
    return report
  }
}
