/** The one way the tool runs programs: argv without a shell, a time limit, and a failure said in one line. */
import {spawn} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {readdirSync, readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {runProgram, runProgramSync, type ProgramOptions, type ProgramResult} from '../../src/exec/run.js'

type Run = (file: string, args: string[], options: ProgramOptions) => Promise<ProgramResult>
const blocking: Run = async (file, args, options) => runProgramSync(file, args, options)

describe.each([
  ['runProgram', runProgram],
  ['runProgramSync (for signal handlers)', blocking],
])('%s', (_name, run: Run) => {
  it('returns stdout without its final newline, and no failure on exit 0', async () => {
    expect(await run('printf', ['a b\\n\\n'], {timeoutMs: 5000})).toEqual({stdout: 'a b\n', stderr: '', exitCode: 0, timedOut: false})
  })

  it('passes arguments as they are: no shell expands them', async () => {
    expect((await run('echo', ['$HOME', '*', '; true'], {timeoutMs: 5000})).stdout).toBe('$HOME * ; true')
  })

  it('says why with the first non-empty line of stderr, and keeps the exit code', async () => {
    const result = await run('sh', ['-c', 'echo >&2; echo "RTNETLINK answers: File exists" >&2; echo more >&2; exit 2'], {timeoutMs: 5000})
    expect(result).toMatchObject({exitCode: 2, failure: 'RTNETLINK answers: File exists'})
  })

  it('reports a program that is not installed by its error code', async () => {
    expect(await run('no-such-program-here', [], {timeoutMs: 5000})).toMatchObject({errorCode: 'ENOENT', timedOut: false})
  })

  it('kills a program at its time limit and says so', async () => {
    const result = await run('sleep', ['30'], {timeoutMs: 100})
    expect(result).toMatchObject({timedOut: true, failure: 'timed out after 100 ms'})
    expect(result.exitCode).toBeUndefined()
  })

  it('runs in the C locale so messages can be matched', async () => {
    expect((await run('sh', ['-c', 'echo $LC_ALL'], {timeoutMs: 5000})).stdout).toBe('C')
  })
})

/** Pids of the processes whose environment carries `marker`. */
function processesWith(marker: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(marker)
      } catch {
        return false
      }
    })
    .map(Number)
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls until `done` or `ms` passed; what it returns is then asserted, never the time it took. */
async function waitFor<T>(probe: () => T, done: (value: T) => boolean, ms = 2000): Promise<T> {
  const deadline = Date.now() + ms
  let value = probe()
  while (!done(value) && Date.now() < deadline) {
    await pause(25)
    value = probe()
  }
  return value
}

const commandName = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
  } catch {
    return ''
  }
}

/**
 * Starts a Node process that runs `argv` through runProgram, and waits until `count` marked processes run, one of them
 * the `sleep` that argv ends in: the holder's own helpers (tsx's esbuild, the setpriv check) carry the marker too, and
 * counting them alone could signal the holder before it has started the program.
 */
async function holding(argv: string[], count: number) {
  const marker = `MVD_HOLD=${randomBytes(6).toString('hex')}`
  const [key = '', value = ''] = marker.split('=')
  const holder = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/hold-program.ts', ...argv], {stdio: 'ignore', env: {...process.env, [key]: value}})
  const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) => holder.on('exit', (code, signal) => resolve({code, signal})))
  const started = await waitFor(() => processesWith(marker), (pids) => pids.length >= count && pids.some((pid) => commandName(pid) === 'sleep'), 20_000)
  // Never leave a holder behind when it did not come up as expected.
  if (started.length < count) for (const pid of started) process.kill(pid, 'SIGKILL')
  expect(started.length).toBeGreaterThanOrEqual(count)
  return {pid: holder.pid ?? 0, marker, exited}
}

describe('programs die with the doctor', () => {
  it.each([
    ['SIGHUP', 129],
    ['SIGINT', 130],
    ['SIGQUIT', 131],
    ['SIGTERM', 143],
  ] as const)('%s kills the program and everything it forked, then exits %i', async (signal, code) => {
    // The holder, sh, and the sleep sh forked into the background.
    const run = await holding(['sh', '-c', 'sleep 300 & wait'], 3)
    process.kill(run.pid, signal)
    expect(await run.exited).toEqual({code, signal: null})
    expect(await waitFor(() => processesWith(run.marker), (pids) => pids.length === 0)).toEqual([])
  })

  it('SIGKILL, which no handler sees: the kernel kills the program (PR_SET_PDEATHSIG through setpriv)', async () => {
    const run = await holding(['sleep', '300'], 2)
    process.kill(run.pid, 'SIGKILL')
    expect(await run.exited).toEqual({code: null, signal: 'SIGKILL'})
    expect(await waitFor(() => processesWith(run.marker), (pids) => pids.length === 0)).toEqual([])
  })
})

it('runProgram feeds input on stdin', async () => {
  expect((await runProgram('cat', [], {timeoutMs: 5000, input: 'piped'})).stdout).toBe('piped')
})
