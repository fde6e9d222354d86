import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import type {Bundle} from '../../src/snapshot/bundle.js'
import type {Snapshot} from '../../src/snapshot/types.js'

/** Where `npm run fixtures:capture` wrote the bundle of lab scenario `name`. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/snapshots/${name}.json`, import.meta.url))
}

/** A snapshot captured in the lab by `npm run fixtures:capture` (see its `origin`), without the probes saved with it. */
export function fixture(name: string): Snapshot {
  const {probes: _probes, savedAt: _savedAt, ...snapshot} = JSON.parse(readFileSync(fixturePath(name), 'utf8')) as Partial<Bundle> & Snapshot
  return snapshot
}

/**
 * A snapshot of an engine the lab does not run (fixtures/engines/NAME.json): a lab capture with the fields that
 * engine's documentation gives rewritten by hand, as its `origin` says.
 */
export function engineFixture(name: string): Snapshot {
  return JSON.parse(readFileSync(new URL(`../../fixtures/engines/${name}.json`, import.meta.url), 'utf8')) as Snapshot
}

/** A lab bundle: the snapshot and what the probes of the same run sent and got back. */
export function bundleFixture(name: string): Bundle {
  const bundle = JSON.parse(readFileSync(fixturePath(name), 'utf8')) as Partial<Bundle> & Snapshot
  if (!bundle.probes || !bundle.savedAt) throw new Error(`fixture ${name} carries no probes: recapture it with npm run fixtures:capture ${name}`)
  return bundle as Bundle
}

/** A snapshot as macvlan-doctor wrote them before bundles (schema version 1), kept to prove that old files still load. */
export const OLD_SNAPSHOT = fileURLToPath(new URL('../../fixtures/old/healthy.schema-1.json', import.meta.url))

export function raw(path: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/raw/${path}`, import.meta.url), 'utf8'))
}
