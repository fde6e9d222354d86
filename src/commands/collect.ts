import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {writeAtomically} from '../output.js'
import {obtainSnapshot, redactSnapshot} from '../pipeline.js'

export default class Collect extends BaseCommand {
  static override summary = 'Save a snapshot of this host for offline replay (`macvlan doctor --from FILE`) or a ticket.'
  static override description =
    'Container environment, command lines, label values and mounts are never collected. --redact also replaces MACs, IPs, the hostname and container names with consistent tokens.'
  static override examples = ['<%= config.bin %> collect -o host.json', '<%= config.bin %> collect --redact -o - | gzip > host.json.gz']

  static override flags = {
    output: Flags.string({char: 'o', description: 'Where to write the snapshot; - for stdout.', required: true}),
    redact: Flags.boolean({description: 'Replace MACs, IPs, the hostname and container names with consistent tokens.'}),
    timeout: Flags.integer({description: 'Time limit for each collection command, in milliseconds.', default: 5000, min: 100}),
    concurrency: Flags.integer({description: 'How many container namespaces to inspect at once.', default: 8, min: 1}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Collect)
    const collected = await obtainSnapshot({timeoutMs: flags.timeout, concurrency: flags.concurrency, command: this.commandLine()})
    const snapshot = flags.redact ? redactSnapshot(collected) : collected
    const text = `${JSON.stringify(snapshot, null, 2)}\n`
    if (flags.output === '-') {
      process.stdout.write(text)
      return
    }
    // A snapshot names hosts and containers: readable by its owner only.
    await writeAtomically(flags.output, text, 0o600)
    this.logToStderr(`snapshot written to ${flags.output}`)
  }
}
