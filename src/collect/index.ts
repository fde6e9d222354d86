import {SNAPSHOT_SCHEMA_VERSION, type Slice, type Snapshot} from '../snapshot/types.js'
import {collectContainers, collectContainerViews, collectEngine, collectNetworks, listContainers} from './docker.js'
import {CollectFailure, toSlice, type RunOptions} from './command-output.js'
import {collectNetConfig} from './net-config.js'
import {collectAddresses, collectBridgePorts, collectFdb, collectHost, collectIpv6Conf, collectLinks, collectNeighbours, collectRoutes, collectSysfs, hostIp, linksWithoutSysfs} from './host.js'

export interface CollectOptions {
  /** Time limit for each command. */
  timeoutMs: number
  /** How many container namespaces are inspected at once. */
  concurrency: number
  tool: {name: string; version: string}
  command: string[]
  /**
   * Told as soon as Docker's networks, its containers and the host's addresses are known, before the rest (the
   * containers' own views) is collected: to start probes that need only those.
   */
  onAddressing?: (facts: AddressingFacts) => void
}

export type AddressingFacts = Pick<Snapshot, 'networks' | 'containers' | 'addresses'>

/** A slice that could not be collected because the slice it depends on failed carries that failure on. */
async function after<A, B>(dependency: Slice<A>, collector: (data: A) => Promise<B>): Promise<Slice<B>> {
  return 'data' in dependency ? toSlice(() => collector(dependency.data)) : {error: dependency.error}
}

/** Collects every slice concurrently; a failing collector leaves its error in its slice and the rest carry on. */
export async function collectSnapshot(options: CollectOptions): Promise<Snapshot> {
  const run: RunOptions = {timeoutMs: options.timeoutMs}
  const ip = hostIp(run)
  const addressesSlice = toSlice(() => collectAddresses(ip))
  const dockerChain = (async () => {
    // Listing networks and containers does not wait for the engine's version: the three Docker calls overlap.
    const [docker, listedNetworks, containerIds] = await Promise.all([toSlice(() => collectEngine(run)), toSlice(() => collectNetworks(run)), toSlice(() => listContainers(run))])
    const networks = 'error' in docker ? {error: docker.error} : listedNetworks
    const containers = await after(networks, (found) => {
      if ('error' in containerIds) throw new CollectFailure(containerIds.error.code, containerIds.error.message, containerIds.error.hint)
      return collectContainers(containerIds.data, found, run)
    })
    if (options.onAddressing) void addressesSlice.then((addresses) => options.onAddressing?.({networks, containers, addresses}))
    const containerViews = await after(containers, (found) => collectContainerViews(found, options.concurrency, run))
    return {docker, networks, containers, containerViews}
  })()
  const linksSlice = toSlice(() => collectLinks(ip))
  const [host, links, addresses, routes, neighbours, fdb, bridgePorts, sysfs, netConfig, ipv6Conf, dockerSlices] = await Promise.all([
    toSlice(() => collectHost(run)),
    linksSlice,
    addressesSlice,
    toSlice(() => collectRoutes(ip)),
    toSlice(() => collectNeighbours(ip)),
    toSlice(() => collectFdb(run)),
    toSlice(() => collectBridgePorts(run)),
    toSlice(async () => collectSysfs('/sys', linksWithoutSysfs(await linksSlice))),
    toSlice(() => collectNetConfig(run)),
    toSlice(() => collectIpv6Conf(run)),
    dockerChain,
  ])
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    tool: options.tool,
    collectedAt: new Date().toISOString(),
    command: options.command,
    redacted: false,
    host,
    links,
    addresses,
    routes,
    neighbours,
    fdb,
    bridgePorts,
    sysfs,
    netConfig,
    ...dockerSlices,
    ipv6Conf,
  }
}
