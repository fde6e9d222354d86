/** The "bad"/"good" examples in docs/rules/*.md: a small JSON description of a host, turned into a snapshot. */
import {readFileSync} from 'node:fs'

import type {DockerContainer, Link, Route, Snapshot} from '../../src/snapshot/types.js'
import {snapshot} from './builders.js'

export interface HostExample {
  links?: Array<Partial<Link> & {name: string; address?: string}>
  routes?: Array<Partial<Route> & {dst: string}>
  networks?: Array<Parameters<ReturnType<typeof snapshot>['withMacvlanNetwork']>[0]>
  containers?: Array<Partial<DockerContainer> & {name: string; network: string; ip?: string; mac?: string}>
}

export interface DocExample {
  kind: 'bad' | 'good'
  host: HostExample
}

export function docExamples(ruleId: string): DocExample[] {
  const text = readFileSync(new URL(`../../docs/rules/${ruleId}.md`, import.meta.url), 'utf8')
  return [...text.matchAll(/```json (bad|good)\n([\s\S]*?)```/g)].map((match) => ({kind: match[1] as 'bad' | 'good', host: JSON.parse(match[2] ?? '{}') as HostExample}))
}

export function snapshotOf(host: HostExample): Snapshot {
  const builder = snapshot()
  for (const {name, ...link} of host.links ?? []) builder.withParent(name, link)
  for (const route of host.routes ?? []) builder.withRoute(route)
  for (const network of host.networks ?? []) builder.withMacvlanNetwork(network)
  for (const {name, network, ...container} of host.containers ?? []) builder.withContainer(name, network, container)
  return builder.build()
}
