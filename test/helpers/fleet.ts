/**
 * Two-host fleets from the lab bundles: a bundle made into another host's by changing its hostname and addresses, as a
 * second Docker host on the same LAN would have saved it. Each derived bundle says so in its `origin`.
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {fleetHostName, type FleetHost} from '../../src/fleet/model.js'
import type {Bundle} from '../../src/snapshot/bundle.js'
import type {Snapshot} from '../../src/snapshot/types.js'
import {bundleFixture} from './fixtures.js'

/** The shim's MAC in a lab capture: each recapture gives it a new one. */
export const shimMacOf = (fixture: string) => {
  const {links} = bundleFixture(fixture)
  return ('data' in links ? links.data : []).find((link) => link.name === 'lan-shim')?.mac as string
}

/** A second host on the lab LAN beside the healthy one: its own address (.3), its own shim MAC. */
export const SECOND_HOST = {'192.168.77.2': '192.168.77.3', [shimMacOf('healthy')]: 'ca:74:39:4a:b3:a8'}

export interface HostChanges {
  hostname: string
  /** Every occurrence of each key (an address, a MAC, a range) becomes its value, in facts and probes alike. */
  replace?: Record<string, string>
  /** Network edits after the replacements: by name, the IPAM fields to set. */
  ipam?: Record<string, {ipRange?: string; gateway?: string; subnet?: string; auxAddresses?: Record<string, string>}>
  /** Leave the saved probes out, as `collect -o` or `doctor --save --no-probe` would. */
  snapshotOnly?: boolean
}

const escape = (text: string) => text.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Lab bundle `fixture` as host `changes.hostname` saved it. */
export function derivedBundle(fixture: string, changes: HostChanges): Bundle | Snapshot {
  let text = JSON.stringify(bundleFixture(fixture))
  // Whole values only: 192.168.77.2 must not turn 192.168.77.22 into something else.
  for (const [from, to] of Object.entries(changes.replace ?? {})) text = text.replaceAll(new RegExp(`(?<![\\w.:])${escape(from)}(?![\\w.:])`, 'g'), to)
  const bundle = JSON.parse(text) as Bundle
  if ('data' in bundle.host) bundle.host.data.hostname = changes.hostname
  for (const [name, ipam] of Object.entries(changes.ipam ?? {})) {
    const network = 'data' in bundle.networks ? bundle.networks.data.find((candidate) => candidate.name === name) : undefined
    const config = network?.ipam.config[0]
    if (!config) throw new Error(`${fixture} has no network ${name}`)
    Object.assign(config, ipam)
  }
  const what = [`hostname ${changes.hostname}`, ...Object.entries(changes.replace ?? {}).map(([from, to]) => `${from} → ${to}`), ...Object.entries(changes.ipam ?? {}).map(([name, ipam]) => `network ${name} ${JSON.stringify(ipam)}`)]
  bundle.origin = `${bundle.origin ?? fixture} Made into another host's by test/helpers/fleet.ts (${what.join(', ')})${changes.snapshotOnly ? ', probes left out' : ''}.`
  if (!changes.snapshotOnly) return bundle
  const {probes: _probes, savedAt: _savedAt, ...snapshot} = bundle
  return snapshot
}

/** A fleet host as `loadFleet` makes it, from a saved file's content. */
export function fleetHost(saved: Bundle | Snapshot, file = `${'data' in saved.host ? saved.host.data.hostname : 'host'}.json`): FleetHost {
  const name = fleetHostName(saved, file)
  if (!('probes' in saved)) return {name, file, snapshot: saved}
  const {probes, savedAt, ...snapshot} = saved
  return {name, file, snapshot, probes, savedAt}
}

/** Writes each file into a new temporary directory; returns their paths. */
export function writeFleet(files: Record<string, unknown>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'mvd-fleet-'))
  return Object.entries(files).map(([name, content]) => {
    const path = join(dir, name)
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
    return path
  })
}
