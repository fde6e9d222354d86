/**
 * Containers change under a run: one removed, restarted or disconnected while it was probed stops answering, and that
 * silence is not the network's. Every container a probe failed from or to is read again (docker inspect, then its own
 * namespace); the failed probes of one that changed are set aside and the report says what happened to it instead.
 */
import type {HostModel} from '../model/host-model.js'
import {bareAddress} from '../model/ip.js'
import type {ContainerView, DockerContainer, Slice} from '../snapshot/types.js'
import {CONTAINER_PURPOSES} from './plan.js'
import type {ProbeRecord, ProbeSkip} from './types.js'

/** The container holding each address on the host's macvlan/ipvlan networks. */
function ownersByAddress(model: HostModel): Map<string, DockerContainer> {
  const owners = new Map<string, DockerContainer>()
  for (const l2 of model.l2Networks()) for (const {container, endpoint} of model.endpointsOf(l2.network)) if (endpoint.ipv4) owners.set(bareAddress(endpoint.ipv4), container)
  return owners
}

/** The containers a record was sent from or to. */
function containersOf(record: ProbeRecord, model: HostModel, owners: Map<string, DockerContainer>): DockerContainer[] {
  if (!CONTAINER_PURPOSES.includes(record.purpose)) return []
  const from = record.container ? model.data('containers').filter((container) => container.name === record.container) : []
  const to = record.purpose === 'container-to-peer' ? [owners.get(record.target)].filter((owner) => owner !== undefined) : []
  return [...from, ...to]
}

/** Containers that a probe failed from or to: the ones to read again. */
export function suspects(model: HostModel, records: ProbeRecord[]): DockerContainer[] {
  const owners = ownersByAddress(model)
  const found = new Map<string, DockerContainer>()
  for (const record of records.filter((candidate) => candidate.outcome !== 'reply')) for (const container of containersOf(record, model, owners)) found.set(container.id, container)
  return [...found.values()]
}

/** What happened to `before` since it was collected, from Docker's view now and its namespace now; undefined when nothing did. */
export function changeOf(before: DockerContainer, now: DockerContainer | undefined, view: Slice<ContainerView> | undefined): string | undefined {
  if (!now) return `${before.name} was removed while it was probed`
  if (!now.running || now.status === 'restarting') return `${before.name} stopped while it was probed (now ${now.status})`
  if (now.pid !== before.pid || now.startedAt !== before.startedAt) return `${before.name} was restarted while it was probed`
  if (!view) return undefined
  if ('error' in view) return `${before.name}'s namespace could not be read again (${view.error.message})`
  const held = new Set(view.data.addresses.map((address) => address.local))
  const lost = before.networks.flatMap((network) => (network.ipv4 && !held.has(bareAddress(network.ipv4)) ? [`${bareAddress(network.ipv4)} (${network.name})`] : []))
  return lost.length > 0 ? `${before.name} lost ${lost.join(', ')} while it was probed (disconnected from its network?)` : undefined
}

/**
 * The records without the failed ones sent from or to a container that changed, and a skip for each such container
 * (and for each container whose peer it was), saying what happened. Replies stay: an answer is an answer.
 */
export function setAside(model: HostModel, records: ProbeRecord[], changes: Map<string, string>): {records: ProbeRecord[]; skipped: ProbeSkip[]} {
  const owners = ownersByAddress(model)
  const skipped: ProbeSkip[] = [...changes].map(([name, reason]) => ({probe: `container ${name}`, reason, purposes: CONTAINER_PURPOSES, container: name}))
  const kept = records.filter((record) => {
    if (record.outcome === 'reply') return true
    const changed = containersOf(record, model, owners).find((container) => changes.has(container.name))
    if (!changed) return true
    if (record.container && record.container !== changed.name) {
      skipped.push({probe: `container ${record.container}`, reason: `its peer ${changes.get(changed.name)}`, purposes: ['container-to-peer'], container: record.container})
    }
    return false
  })
  return {records: kept, skipped}
}

/** How containers are read again, as the collector reads them: Docker's view, then each one's own namespace. */
export interface ContainerReader {
  containers(ids: string[], limitMs: number): Promise<DockerContainer[]>
  views(containers: DockerContainer[], concurrency: number, limitMs: number): Promise<Record<string, Slice<ContainerView>>>
}

/** Reads every suspect container again and sets aside the failed probes of those that changed. */
export async function recheckContainers(model: HostModel, records: ProbeRecord[], reader: ContainerReader, options: {limitMs: number; concurrency: number}): Promise<{records: ProbeRecord[]; skipped: ProbeSkip[]}> {
  const before = suspects(model, records)
  if (before.length === 0) return {records, skipped: []}
  const now = new Map((await reader.containers(before.map((container) => container.id), options.limitMs)).map((container) => [container.id, container]))
  const steady = before.filter((container) => !changeOf(container, now.get(container.id), undefined))
  const views = await reader.views(steady.flatMap((container) => now.get(container.id) ?? []), options.concurrency, options.limitMs)
  const changes = new Map<string, string>()
  for (const container of before) {
    const change = changeOf(container, now.get(container.id), views[container.id])
    if (change) changes.set(container.name, change)
  }
  return changes.size > 0 ? setAside(model, records, changes) : {records, skipped: []}
}
