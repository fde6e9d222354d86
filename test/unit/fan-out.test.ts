/** Many commands from one process: each target's exit code and output, and what runs after them all. */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {fanOut, withTarget} from '../../src/exec/fan-out.js'

const dir = mkdtempSync(join(tmpdir(), 'mvd-fan-out-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

function script(name: string, body: string): string {
  const path = join(dir, name)
  writeFileSync(path, body)
  return path
}

describe('fanOut', () => {
  it('runs the command once per target and reports each exit code and its output', async () => {
    const check = script('check.sh', 'echo "got:$1"; echo "second\tline"; [ "$1" = ok ]\n')
    const run = await fanOut([], withTarget(['sh', check]), ['ok', 'bad'], 5000)
    expect(run.results.get('ok')).toEqual({exitCode: 0, output: 'got:ok\nsecond\tline'})
    expect(run.results.get('bad')).toEqual({exitCode: 1, output: 'got:bad\nsecond\tline'})
    expect(run.failure).toBeUndefined()
  })

  it('runs the targets at the same time: each waits until all have started, which in series never happens', async () => {
    const targets = ['a', 'b', 'c', 'd'].map((name) => join(dir, name))
    const barrier = script('barrier.sh', `touch "$1.started"; for i in $(seq 100); do ls ${targets.map((target) => `${target}.started`).join(' ')} >/dev/null 2>&1 && exit 0; sleep 0.05; done; exit 1\n`)
    const run = await fanOut([], withTarget(['sh', barrier]), targets, 20_000)
    expect(targets.map((target) => run.results.get(target)?.exitCode)).toEqual([0, 0, 0, 0])
  })

  it('prints what `after` printed once all are done, and runs inside whatever `enter` enters', async () => {
    const run = await fanOut(['env', 'MARK=inside'], withTarget(['true']), ['a'], 5000, ['printenv', 'MARK'])
    expect(run.after).toBe('inside')
  })

  it('passes words with spaces and shell syntax through as they are', async () => {
    const run = await fanOut([], withTarget(['printf', '%s|', 'a b; $(false)']), ['x y'], 5000)
    expect(run.results.get('x y')).toEqual({exitCode: 0, output: 'a b; $(false)|x y|'})
  })
})
