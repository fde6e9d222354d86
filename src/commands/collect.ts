import {BaseCommand} from '../base-command.js'
import {collectionFlags, outputFlag, redactFlag} from '../options.js'
import {STDOUT, writeOutput} from '../output.js'
import {obtainSnapshot, redactSnapshot} from '../pipeline.js'

export default class Collect extends BaseCommand {
  static override summary = 'Save a snapshot of this host for offline replay (`macvlan doctor --from FILE`) or a ticket.'
  static override description =
    'A snapshot holds the collected facts only, no probes: its replay cannot prove what only packets prove. `macvlan doctor --save FILE` writes a bundle, the snapshot with the probe results. Container environment, command lines, label values and mounts are never collected. --redact also replaces names, IDs, paths, addresses and MACs with pseudonyms that replay to the same verdicts.'
  static override examples = ['<%= config.bin %> collect -o host.json', '<%= config.bin %> collect --redact -o - | gzip > host.json.gz']

  static override flags = {
    ...collectionFlags,
    output: outputFlag(true),
    redact: redactFlag,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Collect)
    const collected = await obtainSnapshot({collectTimeoutMs: flags.timeout, concurrency: flags.concurrency, command: this.commandLine()})
    const snapshot = flags.redact ? redactSnapshot(collected) : collected
    // A snapshot names hosts and containers: readable by its owner only.
    await writeOutput(flags.output, `${JSON.stringify(snapshot, null, 2)}\n`, {mode: 0o600})
    if (flags.output !== STDOUT) this.logToStderr(`snapshot written to ${flags.output}`)
  }
}
