import {Flags} from '@oclif/core'
import {rename, writeFile} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'

import {BaseCommand} from '../base-command.js'
import {UserError} from '../errors.js'
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
    // Written beside the target and renamed, so a reader never sees half a file.
    const temporary = join(dirname(flags.output), `.${basename(flags.output)}.${process.pid}.tmp`)
    try {
      await writeFile(temporary, text, {mode: 0o600})
      await rename(temporary, flags.output)
    } catch (error) {
      throw new UserError(`cannot write ${flags.output}: ${(error as Error).message}`, 'Choose a writable path with -o.', 3, 'output-unwritable')
    }
    this.logToStderr(`snapshot written to ${flags.output}`)
  }
}
