import {shellLine} from '../exec/quote.js'
import {packageOf} from '../exec/packages.js'
import {ProgramFailure, runChecked, type CheckedOptions} from '../exec/run.js'

import type {CollectError, Slice} from '../snapshot/types.js'

/** A collection step that failed in a way the operator can act on. Stored in the snapshot, never thrown past the collector. */
export class CollectFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message)
  }

  toJSON(): CollectError {
    return this.hint ? {code: this.code, message: this.message, hint: this.hint} : {code: this.code, message: this.message}
  }
}

export type RunOptions = CheckedOptions

/** Runs one collection command and returns its stdout, or throws CollectFailure. */
export async function run(file: string, args: readonly string[], options: RunOptions): Promise<string> {
  try {
    return await runChecked(file, args, options)
  } catch (error) {
    if (!(error instanceof ProgramFailure)) throw error
    const hint = error.code === 'timeout' ? 'Raise --timeout, or check why the command hangs.' : error.hint
    throw new CollectFailure(error.code, error.message, hint)
  }
}

export async function runJson(file: string, args: readonly string[], options: RunOptions): Promise<unknown> {
  return parseJsonOutput(file, args, await run(file, args, options))
}

/**
 * Control characters JSON forbids raw anywhere: inside a string they must be escaped, and outside one only tab, line
 * feed and carriage return may appear. iproute2's JSON writer escapes only `"`, `\\` and \b \f \n \r \t (jsonw_puts
 * in lib/json_writer.c), so an interface named with ESC or SOH, which the kernel accepts, made all of `ip -j`'s
 * output unreadable. Escaping them changes nothing else: they can only occur inside strings.
 */
// eslint-disable-next-line no-control-regex -- control characters are what this escapes
const RAW_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g

export function parseJsonOutput(file: string, args: readonly string[], stdout: string): unknown {
  try {
    return JSON.parse(stdout === '' ? 'null' : stdout.replaceAll(RAW_CONTROL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`))
  } catch {
    throw new CollectFailure('bad-output', `\`${shellLine([file, ...args])}\` did not print JSON`, `Upgrade ${packageOf(file)}: JSON output is needed.`)
  }
}

/** The output of `ip -j -batch`: one JSON document a line, one line per command of `commands`, in order. */
export function parseBatchOutput(file: string, args: readonly string[], commands: readonly string[], stdout: string): unknown[] {
  const lines = stdout.split('\n')
  return commands.map((command, index) => parseJsonOutput(file, [...args, command], lines[index] ?? ''))
}

/** Turns a collector's outcome into a slice: data, or the failure as a value. */
export async function toSlice<T>(collector: () => Promise<T>): Promise<Slice<T>> {
  try {
    return {data: await collector()}
  } catch (error) {
    if (error instanceof CollectFailure) return {error: error.toJSON()}
    return {error: {code: 'collector-crashed', message: error instanceof Error ? error.message : String(error)}}
  }
}
