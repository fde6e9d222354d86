/** The files `macvlan fleet` compares, one host each: read and validated as `doctor --from` reads them. */
import {realpath} from 'node:fs/promises'

import {UserError} from '../errors.js'
import {loadSaved} from '../snapshot/load.js'
import {fleetHostName, type FleetHost} from './model.js'

const ONE_PER_HOST = 'Pass one bundle per host, each written there by `macvlan doctor --save FILE` (or `macvlan collect -o FILE`).'

export async function loadFleet(paths: string[]): Promise<FleetHost[]> {
  if (paths.length < 2) throw new UserError(`macvlan fleet compares hosts: it needs the files of at least two, and got ${paths.length === 0 ? 'none' : `only ${paths[0]}`}`, ONE_PER_HOST, 3, 'usage')
  if (paths.includes('-')) throw new UserError('macvlan fleet reads files, not stdin (-)', ONE_PER_HOST, 3, 'usage')
  const hosts: Array<FleetHost & {real: string}> = []
  for (const file of paths) {
    const saved = await loadSaved(file)
    const {snapshot} = saved
    const name = fleetHostName(snapshot, file)
    const real = await realpath(file)
    const same = hosts.find((host) => host.real === real || (!snapshot.redacted && !host.snapshot.redacted && host.name === name))
    if (same) {
      throw new UserError(
        same.real === real ? `${same.file} and ${file} are the same file` : `${same.file} and ${file} are both from host ${name}: comparing a host with itself finds nothing`,
        ONE_PER_HOST,
        3,
        'usage',
      )
    }
    hosts.push({name, file, snapshot, real, ...(saved.bundle ? {probes: saved.bundle.probes, savedAt: saved.bundle.savedAt} : {})})
  }
  return hosts.map(({real: _real, ...host}) => host)
}
