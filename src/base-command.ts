import {Command, Errors, Flags} from '@oclif/core'

import {UserError} from './errors.js'
import {printable} from './render/printable.js'

/** oclif's parse errors span lines ("The following error occurred:", "See more help with --help"): one line, every reason kept. */
function oneLine(message: string): string {
  return message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !/^See more help with/.test(line) && !/^The following errors? occurred:?$/.test(line))
    .join(' ')
    .replace(/^Parsing (--[\w-]+)\s*/, '$1: ')
    .replace(/^Missing required flag ([\w-]+)/, 'Missing required flag --$1')
    .replaceAll(/\s+/g, ' ')
}

/** Shared error handling: one line saying what happened and what to do, exit 3 (could not diagnose), no stack unless --debug. */
export abstract class BaseCommand extends Command {
  static override baseFlags = {
    debug: Flags.boolean({description: 'Print stack traces for unexpected errors.', helpGroup: 'GLOBAL'}),
  }

  protected commandLine(): string[] {
    return [this.config.bin, ...(this.id ? this.id.split(':') : []), ...this.argv]
  }

  override async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<void> {
    // `--help` and `--version` end by throwing ExitError with code 0: let oclif finish them.
    if (error instanceof Errors.ExitError && error.oclif.exit === 0) throw error
    const userError = error instanceof UserError
    const parseError = error instanceof Errors.CLIError && !userError
    const message = userError || parseError ? oneLine(error.message) : `unexpected error: ${error.message}`
    const hint = userError ? error.hint : parseError ? `See ${this.config.bin} ${this.id ?? ''} --help.` : 'Re-run with --debug and report it.'
    process.exitCode = userError ? error.exitCode : 3
    if (this.jsonEnabled()) {
      this.logJson({status: 'unknown', error: {code: userError ? error.code : parseError ? 'usage' : 'crash', message, hint}})
      return
    }
    process.stderr.write(`${this.config.bin}: ${printable(message ?? '')}${hint ? ` — ${printable(hint)}` : ''}\n`)
    if (this.argv.includes('--debug') && error.stack) process.stderr.write(`${error.stack}\n`)
  }
}
