import {randomBytes} from 'node:crypto'
import {constants} from 'node:fs'
import {lstat, open, rename, rm} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'

import type {Report} from './engine/report.js'
import type {FailOn} from './engine/status.js'
import {UserError} from './errors.js'
import {render, type Format} from './render/index.js'
import {terminalColumns} from './render/table.js'

/** What stands at a path now, without following a symbolic link there. */
async function existing(path: string) {
  try {
    return await lstat(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

const unwritable = (path: string, reason: string, hint = 'Choose a writable path.') => new UserError(`cannot write ${path}: ${reason}`, hint, 3, 'output-unwritable')

// Exclusive, and never through a link: whoever else can write the directory cannot point this file anywhere.
const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW

/**
 * Writes `text` to `path` the way a root process may write into a directory someone else can write to: a temporary
 * file with a random name, created exclusively without following links, then renamed over the target (rename never
 * follows a link, and a reader never sees half a file). A new file gets `mode`; a file it replaces keeps its own unless
 * `exactMode` (a file whose reader insists on its mode, such as a NetworkManager keyfile). A target that is a symbolic
 * link owned by someone else is refused: it was not ours to replace.
 */
export async function writeAtomically(path: string, text: string, {mode = 0o644, exactMode = false} = {}): Promise<void> {
  const target = await existing(path).catch((error: Error) => {
    throw unwritable(path, error.message)
  })
  const owner = process.geteuid?.() ?? 0
  if (target?.isSymbolicLink() && target.uid !== owner) {
    throw unwritable(path, `it is a symbolic link owned by uid ${target.uid}, not by this user`, 'Remove the link, or write to a path you own.')
  }
  if (target?.isDirectory()) throw unwritable(path, 'it is a directory')
  const finalMode = target?.isFile() && !exactMode ? target.mode & 0o7777 : mode
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`)
  let created = false
  try {
    const handle = await open(temporary, CREATE_NEW, 0o600)
    created = true
    try {
      await handle.writeFile(text)
      // The umask does not decide who may read a report or a unit: the mode asked for does.
      await handle.chmod(finalMode)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temporary, path)
  } catch (error) {
    if (created) await rm(temporary, {force: true})
    throw unwritable(path, (error as Error).message)
  }
}

/** `-` means stdout wherever a file is written. */
export const STDOUT = '-'

/** Stdout for `-` or no path, else the file, written atomically. */
export async function writeOutput(path: string | undefined, text: string, options?: {mode?: number}): Promise<void> {
  if (path === undefined || path === STDOUT) process.stdout.write(text)
  else await writeAtomically(path, text, options)
}

/**
 * A report in `format` to `--output` or stdout: fitted and coloured only for a terminal (never with NO_COLOR), with rule
 * links under MACVLAN_DOCTOR_DOCS_URL when it is set.
 */
export async function writeReport(report: Report, format: Format, options: {output: string | undefined; verbose: boolean; failOn: FailOn}): Promise<void> {
  const toFile = options.output !== undefined && options.output !== STDOUT
  const columns = toFile ? undefined : terminalColumns(process.stdout)
  const color = format === 'table' && columns !== undefined && !process.env.NO_COLOR
  const docsBase = process.env.MACVLAN_DOCTOR_DOCS_URL
  await writeOutput(options.output, render(report, format, {color, verbose: options.verbose, failOn: options.failOn, ...(columns === undefined ? {} : {columns}), ...(docsBase ? {docsBase} : {})}))
}
