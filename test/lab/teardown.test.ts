/** A lab interrupted by SIGINT removes its namespaces, processes and files: a test run stopped with ^C leaves nothing. */
import {spawn} from 'node:child_process'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {execa} from 'execa'
import {describe, expect, it} from 'vitest'

import {labSkipped} from './harness.js'

function processesMentioning(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)
      } catch {
        return false
      }
    })
    .map(Number)
}

describe.skipIf(labSkipped)('lab teardown', () => {
  it('removes everything when the owning process gets SIGINT', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/lab/hold-lab.ts'], {stdio: ['ignore', 'pipe', 'inherit']})
    const id = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const match = /lab ([0-9a-f]+) held/.exec(chunk.toString())
        if (match?.[1]) resolve(match[1])
      })
      child.on('exit', () => reject(new Error('hold-lab exited before the lab was up')))
    })
    const dir = join(tmpdir(), `mvd-lab-${id}`)
    expect((await execa('ip', ['netns', 'list'])).stdout).toContain(`mvd-lab-${id}-host`)
    expect(processesMentioning(dir).length).toBeGreaterThan(0)

    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    child.kill('SIGINT')
    expect(await exited).toBe(130)
    expect((await execa('ip', ['netns', 'list'])).stdout).not.toContain(`mvd-lab-${id}`)
    expect(existsSync(dir)).toBe(false)
    expect(processesMentioning(dir)).toEqual([])
  })
})
