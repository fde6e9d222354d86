/** The one way the tool runs programs: argv without a shell, a time limit, and a failure said in one line. */
import {describe, expect, it} from 'vitest'

import {runProgram, runProgramSync, type ProgramOptions, type ProgramResult} from '../../src/run-program.js'

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

it('runProgram feeds input on stdin', async () => {
  expect((await runProgram('cat', [], {timeoutMs: 5000, input: 'piped'})).stdout).toBe('piped')
})
