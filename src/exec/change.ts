/**
 * The runner for commands that change the host: what `macvlan fix` applies and takes back, and nothing else (a test
 * checks that only src/fix/ imports this module). Every change is an argv run without a shell.
 */
import {runProgram, runProgramSync, type ProgramResult} from './run.js'

/** What running one argv told us: no `failure` on success; an `exitCode` when the program ran to its end. */
export type RunResult = Pick<ProgramResult, 'failure' | 'exitCode'>

export type Runner = (argv: string[]) => Promise<RunResult>

/** The same, blocking: undoing must also work in a signal handler, so there is one undo path and it is synchronous. */
export type UndoRunner = (argv: string[]) => RunResult

/** Runs each change with a time limit of `commandTimeoutMs`; `onSpawn` is told its pid, to stop it from a signal handler. */
export const hostChanger =
  (commandTimeoutMs: number, onSpawn?: (pid: number) => void): Runner =>
  ([file = '', ...args]) =>
    runProgram(file, args, {timeoutMs: commandTimeoutMs, ...(onSpawn ? {onSpawn} : {})})

export const hostUndoer =
  (commandTimeoutMs: number): UndoRunner =>
  ([file = '', ...args]) =>
    runProgramSync(file, args, {timeoutMs: commandTimeoutMs})
