/**
 * A bundle is what `doctor --save FILE` writes: the snapshot of one run plus what that run's probes sent, from where,
 * and what came back. `doctor --from FILE` replays it, so the verdicts only packets could prove come back as the run
 * that saved them reached them, marked as replayed.
 */
import type {ProbeResults} from '../probe/types.js'
import type {Snapshot} from './types.js'

/** The first schema version whose files may carry probes. */
export const FIRST_BUNDLE_VERSION = 2

export interface Bundle extends Snapshot {
  /** When the run that sent the probes saved them: a re-saved bundle keeps this time. */
  savedAt: string
  probes: ProbeResults
}

/** What a saved file holds: a snapshot, and the probes of its run when it is a bundle. */
export interface Saved {
  snapshot: Snapshot
  bundle?: {savedAt: string; probes: ProbeResults}
}

/** The file to save: a bundle when probes ran, else the snapshot alone (nothing to replay but the facts). */
export function bundleOf(snapshot: Snapshot, probes: ProbeResults | undefined, savedAt: string): Snapshot | Bundle {
  return probes ? {...snapshot, savedAt, probes} : snapshot
}

export function isBundleFile(value: object): boolean {
  return 'probes' in value || 'savedAt' in value
}

/** Splits a loaded file into the snapshot and the probes saved with it. */
export function splitSaved(value: Snapshot | Bundle): Saved {
  if (!('probes' in value)) return {snapshot: value}
  const {probes, savedAt, ...snapshot} = value
  return {snapshot, bundle: {savedAt, probes}}
}
