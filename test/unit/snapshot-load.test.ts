import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {UserError} from '../../src/errors.js'
import {loadSaved} from '../../src/snapshot/load.js'
import {fixture} from '../helpers/fixtures.js'

const dir = mkdtempSync(join(tmpdir(), 'mvd-load-'))
function file(name: string, content: string): string {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

describe('loadSaved', () => {
  it('loads a snapshot captured in the lab', async () => {
    const path = file('ok.json', JSON.stringify(fixture('healthy')))
    expect((await loadSaved(path)).snapshot).toEqual(fixture('healthy'))
  })

  it.each([
    ['missing.json', undefined, /no such file/],
    ['garbage.json', '{not json', /is not valid JSON/],
    ['other.json', '{"hello": 1}', /is not a macvlan-doctor snapshot/],
    ['future.json', JSON.stringify({...fixture('healthy'), schemaVersion: 99}), /schemaVersion 99, newer than this macvlan-doctor understands/],
    ['broken.json', JSON.stringify({...fixture('healthy'), links: {data: [{name: 'eth0'}]}}), /malformed: \/links/],
  ])('rejects %s with a UserError that says what to do', async (name, content, message) => {
    const path = content === undefined ? join(dir, name) : file(name, content)
    const error = await loadSaved(path).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(UserError)
    expect((error as UserError).message).toMatch(message)
    expect((error as UserError).hint).toMatch(/macvlan collect|Upgrade/)
  })
})
