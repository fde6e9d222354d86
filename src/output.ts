import {rename, rm, writeFile} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'

import {UserError} from './errors.js'

/** Writes beside the target and renames, so a reader (a textfile collector, a ticket upload) never sees half a file. */
export async function writeAtomically(path: string, text: string, mode = 0o644): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`)
  try {
    await writeFile(temporary, text, {mode})
    await rename(temporary, path)
  } catch (error) {
    await rm(temporary, {force: true})
    throw new UserError(`cannot write ${path}: ${(error as Error).message}`, 'Choose a writable path.', 3, 'output-unwritable')
  }
}

/** `-` means stdout wherever a file is written. */
export const STDOUT = '-'

/** Stdout for `-` or no path, else the file, written atomically. */
export async function writeOutput(path: string | undefined, text: string, mode?: number): Promise<void> {
  if (path === undefined || path === STDOUT) process.stdout.write(text)
  else await writeAtomically(path, text, mode)
}
