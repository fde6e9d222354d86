/** Many commands from one process: each target's exit code and output, and what runs after them all. */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {fanOut} from '../../../src/probe/fan-out.js'

const dir = mkdtempSync(join(tmpdir(), 'mvd-fan-out-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

function script(name: string, body: string): string {
  const path = join(dir, name)
  writeFileSync(path, body)
  return path
}

describe('fanOut', () => {
  it('runs the command once per target and reports each exit code, with its output on one line', async () => {
    const check = script('check.sh', 'echo "got:$1"; echo second; [ "$1" = ok ]\n')
    const run = await fanOut([], ['sh', check], ['ok', 'bad'], 5000)
    expect(run.results.get('ok')).toEqual({exitCode: 0, output: 'got:ok second'})
    expect(run.results.get('bad')).toEqual({exitCode: 1, output: 'got:bad second'})
    expect(run.failure).toBeUndefined()
  })

  it('runs the targets at the same time: each waits until all have started, which in series never happens', async () => {
    const targets = ['a', 'b', 'c', 'd'].map((name) => join(dir, name))
    const barrier = script('barrier.sh', `touch "$1.started"; for i in $(seq 100); do ls ${targets.map((target) => `${target}.started`).join(' ')} >/dev/null 2>&1 && exit 0; sleep 0.05; done; exit 1\n`)
    const run = await fanOut([], ['sh', barrier], targets, 20_000)
    expect(targets.map((target) => run.results.get(target)?.exitCode)).toEqual([0, 0, 0, 0])
  })

  it('prints what `after` printed once all are done, and runs inside whatever `enter` enters', async () => {
    const run = await fanOut(['env', 'MARK=inside'], ['true'], ['a'], 5000, ['printenv', 'MARK'])
    expect(run.after).toBe('inside')
  })

  it('refuses command words with spaces, which the shell would split', async () => {
    await expect(fanOut([], ['echo', 'a b'], ['x'], 5000)).rejects.toThrow('must not contain spaces')
  })
})
