/**
 * Running a plan's runtime part, and taking it back. Every change is an argv run without a shell; whatever was done
 * before a failure is undone in reverse, and files written by --persist are restored from their backups.
 */
import {constants, renameSync, rmSync} from 'node:fs'
import {copyFile, mkdir, readFile} from 'node:fs/promises'
import {dirname} from 'node:path'

import type {Report} from '../engine/report.js'
import {UserError} from '../errors.js'
import type {FixAction, Outcome} from '../engine/types.js'
import {shellLine} from '../model/commands.js'
import {writeAtomically} from '../output.js'
import {runProgram, runProgramSync} from '../run-program.js'
import type {Persistence} from '../model/persistence.js'
import {checkKey, type FixStep} from './plan.js'

/** Runs one argv; resolves to an error message, or undefined on success. */
export type Runner = (argv: string[]) => Promise<string | undefined>

/** The same, blocking: undoing must also work in a signal handler, so there is one undo path and it is synchronous. */
export type UndoRunner = (argv: string[]) => string | undefined

export const runWithoutShell =
  (timeoutMs: number): Runner =>
  async ([file = '', ...args]) =>
    (await runProgram(file, args, {timeoutMs})).failure

export const undoWithoutShell =
  (timeoutMs: number): UndoRunner =>
  ([file = '', ...args]) =>
    runProgramSync(file, args, {timeoutMs}).failure

export interface CommandResult {
  command: string
  error?: string
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
 * Runs `actions` in order and records each one that succeeded in `done` as it goes, so an interrupt at any moment
 * knows what to undo. Returns the command that failed, when one did: nothing after it ran.
 */
export async function applyActions(actions: FixAction[], run: Runner, done: FixAction[]): Promise<CommandResult | undefined> {
  for (const action of actions) {
    const error = await run(action.run)
    if (error !== undefined) return {command: shellLine(action.run), error}
    done.push(action)
  }
  return undefined
}

/** Undos in reverse; one shared by several actions (deleting the shim takes its address and routes) runs once. */
export function undoOrder(applied: FixAction[]): string[][] {
  return [...new Map(applied.toReversed().map((action) => [shellLine(action.undo), action.undo])).values()]
}

export function rollBack(applied: FixAction[], run: UndoRunner): CommandResult[] {
  const results: CommandResult[] = []
  for (const undo of undoOrder(applied)) {
    const error = run(undo)
    results.push(error === undefined ? {command: shellLine(undo)} : {command: shellLine(undo), error})
  }
  return results
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

/** Writes each file (atomically), first copying any file it replaces to `<path>.bak-<stamp>`; records each in `written` as it goes, so a failure half-way can be restored. */
export async function writePersistence(persistence: Persistence[], stamp: string, written: WrittenFile[]): Promise<void> {
  for (const file of persistence.flatMap((entry) => entry.files)) {
    const before = await currentText(file.path)
    if (before === file.content) {
      written.push({path: file.path, changed: false})
      continue
    }
    const created = await mkdir(dirname(file.path), {recursive: true})
    if (created) written.push({path: created, changed: true, directory: true})
    const backup = before === undefined ? undefined : `${file.path}.bak-${stamp}`
    // Exclusive, like the file itself: a link planted at the backup's name is never followed.
    if (backup) {
      await copyFile(file.path, backup, constants.COPYFILE_EXCL).catch((error: Error) => {
        throw new UserError(`cannot back up ${file.path} to ${backup}: ${error.message}`, 'Move the file that is in the way, then re-run.', 3, 'output-unwritable')
      })
    }
    await writeAtomically(file.path, file.content, {mode: file.mode, exactMode: true})
    written.push({path: file.path, changed: true, ...(backup ? {backup} : {})})
  }
}

/** Puts every file back as it was: backups return, new files go. Synchronous, so an interrupt handler can use it. */
export function restoreFiles(written: WrittenFile[]): void {
  for (const file of written.filter((entry) => entry.changed).toReversed()) {
    if (file.backup) renameSync(file.backup, file.path)
    else rmSync(file.path, {force: true, recursive: file.directory === true})
  }
}

export interface CheckChange {
  id: string
  subject: FixStep['check']['subject']
  before: string
  after: string
}

export interface Verification {
  passed: boolean
  /** Each fixed check, and any check that got worse, before → after. */
  changes: CheckChange[]
}

const RANK: Record<Outcome, number> = {pass: 0, skip: 1, warn: 2, error: 3, fail: 4}

/**
 * A fix is verified when every check it addressed now passes and no check that passed before got worse. Only checks
 * judged the same way both times are compared (`comparable`): verification re-sends fewer probes than the diagnosis.
 */
export function verify(applied: FixStep[], before: Report, after: Report, comparable: (id: string) => boolean): Verification {
  const afterByKey = new Map(after.checks.map((check) => [checkKey(check), check]))
  const fixed = applied.map((step): CheckChange => ({id: step.check.id, subject: step.check.subject, before: step.check.outcome, after: afterByKey.get(checkKey(step.check))?.outcome ?? 'gone'}))
  const fixedKeys = new Set(fixed.map(checkKey))
  const worse = before.checks.flatMap((check): CheckChange[] => {
    const now = afterByKey.get(checkKey(check))
    if (!now || !comparable(check.id) || fixedKeys.has(checkKey(check)) || RANK[now.outcome] <= RANK[check.outcome]) return []
    return [{id: check.id, subject: check.subject, before: check.outcome, after: now.outcome}]
  })
  // A check whose subject no longer exists has nothing left to complain about.
  const passed = fixed.every((change) => change.after === 'pass' || change.after === 'gone') && worse.length === 0
  return {passed, changes: [...fixed, ...worse]}
}
