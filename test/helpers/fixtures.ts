import {readFileSync} from 'node:fs'

import type {Snapshot} from '../../src/snapshot/types.js'

/** A snapshot captured in the lab by `npm run fixtures:capture` (see its `origin`). */
export function fixture(name: string): Snapshot {
  return JSON.parse(readFileSync(new URL(`../../fixtures/snapshots/${name}.json`, import.meta.url), 'utf8')) as Snapshot
}

export function raw(path: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/raw/${path}`, import.meta.url), 'utf8'))
}
