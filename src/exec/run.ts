/**
 * Runs a program with an argument vector, never through a shell, with a time limit. This is all the project needs of
 * execa, whose import alone costs about 110 ms on a two-core host: a third of a whole `doctor --no-probe` (README).
 *
 * Every program dies with the doctor: it leads a process group of its own, and the whole group (whatever it forked:
 * the pings of a fan-out, nsenter's child) is killed when the doctor exits or dies of a signal it handles. Against
 * SIGKILL, which no handler sees, util-linux `setpriv --pdeathsig KILL` starts it where available, so the kernel kills
 * it when the doctor dies.
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {accessSync, constants, readFileSync, statSync} from 'node:fs'
import {delimiter, join} from 'node:path'

import {onInterrupt} from '../interrupt.js'
import {packageOf} from './packages.js'
import {shellLine} from './quote.js'

export interface ProgramResult {
  stdout: string
  stderr: string
  /** Absent when the program could not start, or was killed. */
  exitCode?: number
  timedOut: boolean
  /** The spawn error's code (ENOENT: not installed), when it could not start. */
  errorCode?: string
  /** One line saying why it failed, for a message; absent on exit 0. */
  failure?: string
}

export interface ProgramOptions {
  timeoutMs: number
  env?: Record<string, string | undefined>
  input?: string
  /** Told the child's pid as soon as it runs. */
  onSpawn?: (pid: number) => void
}

/** How long a program that ignored SIGTERM at its time limit gets before SIGKILL. */
const KILL_GRACE_MS = 2000

const running = new Set<ChildProcess>()

/** Signals `child`'s whole process group; a group that is already gone is fine. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal)
  } catch {
    // ESRCH: nothing left in the group.
  }
}

let hooked = false
function killRunningOnExit(): void {
  if (hooked) return
  hooked = true
  const killAll = () => {
    for (const child of running) signalGroup(child, 'SIGKILL')
  }
  process.on('exit', killAll)
  onInterrupt(killAll, 'first')
}

/** Where `file` would be executed from, as execvp finds it; undefined when it is not installed. */
function executable(file: string, path: string | undefined): string | undefined {
  const candidates = file.includes('/') ? [file] : (path ?? '').split(delimiter).filter(Boolean).map((directory) => join(directory, file))
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK)
      return statSync(candidate).isFile()
    } catch {
      return false
    }
  })
}

let deathSignal: Promise<string | undefined> | undefined
/** setpriv, when it can set the parent-death signal (util-linux 2.33 and later). Asked once. */
function setprivWithDeathSignal(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  deathSignal ??= new Promise((resolve) => {
    const setpriv = executable('setpriv', env.PATH)
    if (!setpriv) return resolve(undefined)
    const check = spawn(setpriv, ['--pdeathsig', 'KILL', '--', 'true'], {stdio: 'ignore'})
    check.on('error', () => resolve(undefined))
    check.on('close', (code) => resolve(code === 0 ? setpriv : undefined))
  })
  return deathSignal
}

export async function runProgram(file: string, args: readonly string[], options: ProgramOptions): Promise<ProgramResult> {
  const env: NodeJS.ProcessEnv = {...process.env, LC_ALL: 'C', ...options.env}
  const setpriv = await setprivWithDeathSignal(env)
  const program = setpriv ? executable(file, env.PATH) : file
  // As spawn itself would say: the wrapper must not turn "not installed" into a failure of setpriv.
  if (program === undefined) return {stdout: '', stderr: '', timedOut: false, errorCode: 'ENOENT', failure: `spawn ${file} ENOENT`}
  const [command, argv] = setpriv ? [setpriv, ['--pdeathsig', 'KILL', '--', program, ...args]] : [file, args]
  killRunningOnExit()
  return new Promise((resolve) => {
    const child = spawn(command, argv, {env, detached: true, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']})
    running.add(child)
    if (child.pid !== undefined) options.onSpawn?.(child.pid)
    let stdout = ''
    let stderr = ''
    let timedOut = false
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => {
      timedOut = true
      signalGroup(child, 'SIGTERM')
      setTimeout(() => signalGroup(child, 'SIGKILL'), KILL_GRACE_MS).unref()
    }, options.timeoutMs)
    const finish = (result: Omit<ProgramResult, 'stdout' | 'stderr' | 'timedOut'>) => {
      clearTimeout(timer)
      running.delete(child)
      resolve({stdout: stdout.replace(/\r?\n$/, ''), stderr, timedOut, ...result})
    }
    child.on('error', (error: NodeJS.ErrnoException) => finish({...(error.code ? {errorCode: error.code} : {}), failure: error.message}))
    child.on('close', (code, signal) => finish(ending(code, signal, timedOut, stderr, options.timeoutMs)))
    if (options.input !== undefined) child.stdin?.end(options.input)
  })
}

/** A program that could not start, timed out or failed: one line that keeps the reason, and what to do when known. */
export class ProgramFailure extends Error {
  constructor(
    readonly code: 'missing-tool' | 'timeout' | 'command-failed',
    message: string,
    readonly hint?: string,
  ) {
    super(message)
  }
}

export interface CheckedOptions extends Omit<ProgramOptions, 'onSpawn'> {
  /** Exit codes that are answers rather than failures (e.g. systemd-detect-virt exits 1 for "none"). */
  acceptExitCodes?: number[]
}

/** Runs a program for its output: stdout when it exits 0 (or with an accepted code), else throws ProgramFailure. */
export async function runChecked(file: string, args: readonly string[], options: CheckedOptions): Promise<string> {
  const result = await runProgram(file, args, options)
  const accepted = result.exitCode !== undefined && (result.exitCode === 0 || (options.acceptExitCodes ?? []).includes(result.exitCode))
  if (!accepted) throw failureOf(file, args, result)
  return result.stdout
}

function failureOf(file: string, args: readonly string[], result: ProgramResult): ProgramFailure {
  if (result.errorCode === 'ENOENT') return new ProgramFailure('missing-tool', `\`${file}\` is not installed or not on PATH`, `Install ${packageOf(file)}.`)
  const shown = shellLine([file, ...args])
  if (result.timedOut) return new ProgramFailure('timeout', `\`${shown}\` did not finish in time`)
  return new ProgramFailure('command-failed', `\`${shown}\` failed: ${result.failure ?? 'no error text'}`)
}

function ending(code: number | null, signal: NodeJS.Signals | null, timedOut: boolean, stderr: string, timeoutMs: number): Pick<ProgramResult, 'exitCode' | 'failure'> {
  if (code === 0) return {exitCode: 0}
  if (timedOut) return {failure: `timed out after ${timeoutMs} ms`}
  if (code === null) return {failure: `killed by ${signal}`}
  return {exitCode: code, failure: stderr.split('\n').find((line) => line.trim() !== '')?.trim() ?? `exit code ${code}`}
}

/**
 * The same, blocking: for what must finish before the process exits (taking a change back in a signal handler, where
 * the event loop will not turn again). The time limit kills with SIGKILL at once.
 */
export function runProgramSync(file: string, args: readonly string[], options: Omit<ProgramOptions, 'input' | 'onSpawn'>): ProgramResult {
  const result = spawnSync(file, args, {env: {...process.env, LC_ALL: 'C', ...options.env}, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: options.timeoutMs, killSignal: 'SIGKILL'})
  const error: NodeJS.ErrnoException | undefined = result.error
  const timedOut = error?.code === 'ETIMEDOUT'
  const base = {stdout: (result.stdout ?? '').replace(/\r?\n$/, ''), stderr: result.stderr ?? '', timedOut}
  if (error && !timedOut) return {...base, ...(error.code ? {errorCode: error.code} : {}), failure: error.message}
  return {...base, ...ending(result.status, result.signal, timedOut, base.stderr, options.timeoutMs)}
}

/**
 * Kills a child of this process and waits, blocking (at most `limitMs`), until it has exited: whatever it was doing
 * is then over, and cannot happen after what runs next. For signal handlers, where the event loop will not reap it.
 */
export function stopChildSync(pid: number, limitMs = 2000): void {
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    return
  }
  const pause = new Int32Array(new SharedArrayBuffer(4))
  const deadline = Date.now() + limitMs
  while (Date.now() < deadline) {
    let stat: string
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    } catch {
      return
    }
    // The state letter follows the command name's closing parenthesis; Z: it has exited and waits to be reaped.
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return
    Atomics.wait(pause, 0, 0, 5)
  }
}
