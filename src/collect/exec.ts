import {shellLine} from '../model/commands.js'
import {runProgram, type ProgramResult} from '../run-program.js'

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

/** Which Debian/Ubuntu package provides each helper binary we call. */
export const PACKAGE_OF: Record<string, string> = {
  ip: 'iproute2',
  bridge: 'iproute2',
  nsenter: 'util-linux',
  docker: 'docker.io or docker-ce-cli',
  ping: 'iputils-ping',
  arping: 'iputils-arping',
}

export interface RunOptions {
  timeoutMs: number
  env?: Record<string, string | undefined>
  /** Exit codes that are answers rather than failures (e.g. systemd-detect-virt exits 1 for "none"). */
  acceptExitCodes?: number[]
  /** Written to the command's stdin (an `ip -batch` script). */
  input?: string
}

/** Runs one command with an argument array (never a shell) and returns stdout, or throws CollectFailure. */
export async function run(file: string, args: readonly string[], options: RunOptions): Promise<string> {
  const result = await runProgram(file, args, options)
  const accepted = result.exitCode !== undefined && (result.exitCode === 0 || (options.acceptExitCodes ?? []).includes(result.exitCode))
  if (!accepted) throw failureOf(file, args, result)
  return result.stdout
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
const RAW_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g

export function parseJsonOutput(file: string, args: readonly string[], stdout: string): unknown {
  try {
    return JSON.parse(stdout === '' ? 'null' : stdout.replaceAll(RAW_CONTROL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`))
  } catch {
    throw new CollectFailure('bad-output', `\`${shellLine([file, ...args])}\` did not print JSON`, `Upgrade ${PACKAGE_OF[file] ?? file}: JSON output is needed.`)
  }
}

/** The output of `ip -j -batch`: one JSON document a line, one line per command of `commands`, in order. */
export function parseBatchOutput(file: string, args: readonly string[], commands: readonly string[], stdout: string): unknown[] {
  const lines = stdout.split('\n')
  return commands.map((command, index) => parseJsonOutput(file, [...args, command], lines[index] ?? ''))
}

function failureOf(file: string, args: readonly string[], result: ProgramResult): CollectFailure {
  const shown = shellLine([file, ...args])
  if (result.errorCode === 'ENOENT') {
    return new CollectFailure('missing-tool', `\`${file}\` is not installed or not on PATH`, `Install ${PACKAGE_OF[file] ?? file}.`)
  }
  if (result.timedOut) {
    return new CollectFailure('timeout', `\`${shown}\` did not finish in time`, 'Raise --timeout, or check why the command hangs.')
  }
  return new CollectFailure('command-failed', `\`${shown}\` failed: ${result.failure ?? 'no error text'}`)
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

/** Runs `worker` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<I, O>(items: readonly I[], limit: number, worker: (item: I) => Promise<O>): Promise<O[]> {
  const results: O[] = new Array(items.length)
  let next = 0
  const lane = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await worker(items[index] as I)
    }
  }
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, lane))
  return results
}
