/**
 * Running a plan's runtime part, and taking it back. Every change is an argv run without a shell; whatever was done
 * before a failure is undone in reverse, and files written by --persist are restored from their backups.
 */
import {constants, existsSync, renameSync, rmSync} from 'node:fs'
import {copyFile, lstat, mkdir, readFile, readlink, symlink} from 'node:fs/promises'
import {dirname} from 'node:path'

import {UserError} from '../errors.js'
import type {FixAction} from '../engine/types.js'
import {shellLine} from '../exec/quote.js'
import {writeAtomically} from '../output.js'
import type {Runner, UndoRunner} from '../exec/change.js'
import type {Persistence} from '../remedy/persistence.js'
import type {FixStep} from './plan.js'

export interface CommandResult {
  command: string
  error?: string
  /** Set when the undo found nothing to take back, because the change it undoes had not taken effect. */
  nothingToUndo?: true
}

/** The same change listed twice (two checks asking for one route) runs once. */
export function uniqueActions(steps: FixStep[]): FixAction[] {
  const seen = new Set<string>()
  return steps.flatMap((step) => step.runtime).filter((action) => {
    const key = shellLine(action.run)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/**
 * A change as the journal knows it. It is written down before its program starts (`started`), so an interrupt at any
 * moment undoes it, and becomes `done` once the program was reaped and said it succeeded.
 */
export interface JournalEntry {
  action: FixAction
  state: 'started' | 'done'
}

/**
 * Runs `actions` in order, recording each in `journal` before it runs. Returns the command that failed, when one did:
 * nothing after it ran. A program that ended with an error changed nothing (each `ip` change is one netlink request,
 * all or nothing) and leaves the journal; one that was killed or timed out may have, and stays to be undone.
 */
export async function applyActions(actions: FixAction[], run: Runner, journal: JournalEntry[]): Promise<CommandResult | undefined> {
  for (const action of actions) {
    const entry: JournalEntry = {action, state: 'started'}
    journal.push(entry)
    const {failure, exitCode} = await run(action.run)
    if (failure === undefined) {
      entry.state = 'done'
      continue
    }
    if (exitCode !== undefined) journal.splice(journal.indexOf(entry), 1)
    return {command: shellLine(action.run), error: failure}
  }
  return undefined
}

/** Undos in reverse; one shared by several actions (deleting the shim takes its address and routes) runs once. */
function undoOrder(applied: FixAction[]): string[][] {
  return [...new Map(applied.toReversed().map((action) => [shellLine(action.undo), action.undo])).values()]
}

/** What iproute2 says when the thing to delete is not there: the change it would undo never happened. */
const ABSENT = /Cannot find device|No such process|Cannot assign requested address/

/**
 * Takes back every change in `journal`, newest first. An undo of a change that was only `started` may find nothing to
 * take back, and then says so; any other failure, and every failure to undo a change known to be `done`, is an error.
 */
export function rollBack(journal: JournalEntry[], run: UndoRunner): CommandResult[] {
  const certain = new Set(journal.filter((entry) => entry.state === 'done').map((entry) => shellLine(entry.action.undo)))
  return undoOrder(journal.map((entry) => entry.action)).map((undo): CommandResult => {
    const command = shellLine(undo)
    const {failure} = run(undo)
    if (failure === undefined) return {command}
    if (!certain.has(command) && ABSENT.test(failure)) return {command, nothingToUndo: true}
    return {command, error: failure}
  })
}

export interface WrittenFile {
  path: string
  /** Where the replaced file was saved; absent when the file is new. */
  backup?: string
  /** False when the file already had this content: nothing was written. */
  changed: boolean
  /** A directory created to hold the files, removed again on restore. */
  directory?: boolean
}

async function currentText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** The outermost directory `mkdir -p dir` would create, or undefined when `dir` exists. */
function firstMissing(dir: string): string | undefined {
  let missing: string | undefined
  for (let current = dir; !existsSync(current); current = dirname(current)) missing = current
  return missing
}

/**
 * Writes each file (atomically), first copying any file it replaces to `<path>.bak-<stamp>`, then each link (never over
 * anything else at its path). Each step is recorded in
 * `written` before it happens, and restoring a step that had not happened yet is harmless, so an interrupt at any
 * moment (or a failure half-way) can be restored.
 */
export async function writePersistence(persistence: Persistence[], stamp: string, written: WrittenFile[]): Promise<void> {
  for (const file of persistence.flatMap((entry) => entry.files)) {
    const before = await currentText(file.path)
    if (before === file.content) {
      written.push({path: file.path, changed: false})
      continue
    }
    const directory = firstMissing(dirname(file.path))
    if (directory) written.push({path: directory, changed: true, directory: true})
    await mkdir(dirname(file.path), {recursive: true})
    if (before === undefined) written.push({path: file.path, changed: true})
    else {
      const backup = `${file.path}.bak-${stamp}`
      // Until the copy is whole, the backup is only a new file to remove; then it is what restores the original.
      const copying: WrittenFile = {path: backup, changed: true}
      written.push(copying)
      // Exclusive, like the file itself: a link planted at the backup's name is never followed (nor removed: it is not ours).
      await copyFile(file.path, backup, constants.COPYFILE_EXCL).catch((error: Error) => {
        written.splice(written.indexOf(copying), 1)
        throw new UserError(`cannot back up ${file.path} to ${backup}: ${error.message}`, 'Move the file that is in the way, then re-run.', 3, 'output-unwritable')
      })
      written.splice(written.indexOf(copying), 1, {path: file.path, changed: true, backup})
    }
    await writeAtomically(file.path, file.content, {mode: file.mode, exactMode: true})
  }
  for (const link of persistence.flatMap((entry) => entry.links ?? [])) {
    if ((await readlink(link.path).catch(() => undefined)) === link.target) {
      written.push({path: link.path, changed: false})
      continue
    }
    if (await lstat(link.path).catch(() => undefined)) throw new UserError(`${link.path} exists and is not a link to ${link.target}`, 'Move it out of the way, then re-run.', 3, 'output-unwritable')
    const directory = firstMissing(dirname(link.path))
    if (directory) written.push({path: directory, changed: true, directory: true})
    await mkdir(dirname(link.path), {recursive: true})
    const linking: WrittenFile = {path: link.path, changed: true}
    written.push(linking)
    // symlink() never replaces what is there: a file that appeared since is left alone, and not ours to remove.
    await symlink(link.target, link.path).catch((error: Error) => {
      written.splice(written.indexOf(linking), 1)
      throw new UserError(`cannot link ${link.path} to ${link.target}: ${error.message}`, 'Move what is in the way, then re-run.', 3, 'output-unwritable')
    })
  }
}

/** Puts every file back as it was: backups return, new files and links go. Synchronous, so an interrupt handler can use it. */
export function restoreFiles(written: WrittenFile[]): void {
  for (const file of written.filter((entry) => entry.changed).toReversed()) {
    if (file.backup) renameSync(file.backup, file.path)
    else rmSync(file.path, {force: true, recursive: file.directory === true})
  }
}
