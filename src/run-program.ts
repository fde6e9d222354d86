/**
 * Runs a program with an argument vector, never through a shell, with a time limit. This is all the project needs of
 * execa, whose import alone costs about 110 ms on a two-core host: a third of a whole `doctor --no-probe` (README).
 */
import {spawn, spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'

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

export function runProgram(file: string, args: readonly string[], options: ProgramOptions): Promise<ProgramResult> {
  return new Promise((resolve) => {
    const child = spawn(file, args, {env: {...process.env, LC_ALL: 'C', ...options.env}, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']})
    if (child.pid !== undefined) options.onSpawn?.(child.pid)
    let stdout = ''
    let stderr = ''
    let timedOut = false
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGTERM')
      setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS).unref()
    }, options.timeoutMs)
    const finish = (result: Omit<ProgramResult, 'stdout' | 'stderr' | 'timedOut'>) => {
      clearTimeout(timer)
      resolve({stdout: stdout.replace(/\r?\n$/, ''), stderr, timedOut, ...result})
    }
    child.on('error', (error: NodeJS.ErrnoException) => finish({...(error.code ? {errorCode: error.code} : {}), failure: error.message}))
    child.on('close', (code, signal) => finish(ending(code, signal, timedOut, stderr, options.timeoutMs)))
    if (options.input !== undefined) child.stdin?.end(options.input)
  })
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
  const error = result.error as NodeJS.ErrnoException | undefined
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
