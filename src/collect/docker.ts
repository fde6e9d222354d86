import type {ContainerView, DockerContainer, DockerEngine, DockerNetwork, Slice} from '../snapshot/types.js'
import {CollectFailure, mapLimit, parseJsonOutput, run, runJson, toSlice, type RunOptions} from './exec.js'
import {parseAddresses, parseLinks, parseNeighbours, parseRoutes} from './parse-iproute.js'
import {parseContainers, parseEngine, parseNetworks} from './parse-docker.js'

/** The drivers whose endpoints sit directly on a host parent link. */
export const L2_DRIVERS = ['macvlan', 'ipvlan'] as const

/** Turns the docker CLI's failure text into a failure the operator can act on. */
export function classifyDockerFailure(failure: CollectFailure): CollectFailure {
  const text = failure.message
  if (failure.code === 'missing-tool') {
    return new CollectFailure('docker-cli-missing', 'the docker CLI is not installed or not on PATH', 'Install docker.io (Debian/Ubuntu) or docker-ce-cli.')
  }
  if (/permission denied.*docker/i.test(text)) {
    return new CollectFailure('docker-permission', 'permission denied on the Docker socket', 'Run as root (sudo macvlan doctor) or as a member of the docker group.')
  }
  if (/Cannot connect to the Docker daemon|Is the docker daemon running|error during connect|connection refused/i.test(text)) {
    return new CollectFailure('docker-unreachable', `the Docker daemon is not reachable (${text.replace(/^.*failed: /, '')})`, 'Start Docker (systemctl start docker), or set DOCKER_HOST / --context to the right daemon.')
  }
  return failure
}

async function dockerText(args: string[], options: RunOptions): Promise<string> {
  try {
    return await run('docker', args, options)
  } catch (error) {
    throw error instanceof CollectFailure ? classifyDockerFailure(error) : error
  }
}

async function docker(args: string[], options: RunOptions): Promise<unknown> {
  return parseJsonOutput('docker', args, await dockerText(args, options))
}

export async function collectEngine(options: RunOptions): Promise<DockerEngine> {
  const version = await docker(['version', '--format', '{{json .}}'], options)
  const info = await docker(['info', '--format', '{{json .}}'], options)
  return parseEngine(version, info)
}

/** Every macvlan and ipvlan network, config-only and swarm-scoped ones included. */
export async function collectNetworks(options: RunOptions): Promise<DockerNetwork[]> {
  const ids = new Set<string>()
  for (const driver of L2_DRIVERS) {
    const listed = await dockerText(['network', 'ls', '--no-trunc', '--filter', `driver=${driver}`, '--format', '{{.ID}}'], options)
    for (const id of listed.split('\n').filter(Boolean)) ids.add(id)
  }
  if (ids.size === 0) return []
  const networks = parseNetworks(await docker(['network', 'inspect', ...ids], options))
  // A swarm network's --config-only template has driver "null", so the driver filter misses it.
  const templates = [...new Set(networks.flatMap((network) => network.configFrom ?? []))].filter((name) => !networks.some((n) => n.name === name))
  if (templates.length > 0) networks.push(...parseNetworks(await docker(['network', 'inspect', ...templates], options)))
  return networks.sort((a, b) => a.name.localeCompare(b.name))
}

/** Every container attached to one of `networks`, in any state (created and exited ones too). */
export async function collectContainers(networks: DockerNetwork[], options: RunOptions): Promise<DockerContainer[]> {
  if (networks.length === 0) return []
  const listed = await dockerText(['ps', '--all', '--quiet', '--no-trunc'], options)
  const ids = listed.split('\n').filter(Boolean)
  if (ids.length === 0) return []
  const networkIds = new Set(networks.map((network) => network.id))
  const networkNames = new Set(networks.map((network) => network.name))
  const containers = parseContainers(await inspectContainers(ids, options))
  return containers
    .filter((container) => container.networks.some((n) => networkIds.has(n.networkId) || networkNames.has(n.name)))
    .sort((a, b) => a.name.localeCompare(b.name))
}

/** `docker inspect` fails as a whole when one container vanished after `ps`; retry with the survivors. */
async function inspectContainers(ids: string[], options: RunOptions): Promise<unknown> {
  try {
    return await docker(['inspect', '--type', 'container', ...ids], options)
  } catch (error) {
    if (!(error instanceof CollectFailure) || !/No such (container|object)/i.test(error.message)) throw error
    const survivors = (await Promise.all(ids.map(async (id) => ((await docker(['inspect', '--type', 'container', id], options).catch(() => null)) ? id : null)))).filter(
      (id): id is string => id !== null,
    )
    return survivors.length === 0 ? [] : docker(['inspect', '--type', 'container', ...survivors], options)
  }
}

/** The namespace path to enter: Docker's bind-mounted sandbox when it still exists, else the task's /proc entry. */
export function namespacePathOf(container: DockerContainer): string {
  return container.sandboxKey || `/proc/${container.pid}/ns/net`
}

async function collectContainerView(container: DockerContainer, options: RunOptions): Promise<ContainerView> {
  const enter = ['--net=' + namespacePathOf(container), 'ip']
  try {
    const [addr, routes, neigh] = await Promise.all([
      runJson('nsenter', [...enter, '-j', '-d', 'addr', 'show'], options),
      runJson('nsenter', [...enter, '-j', 'route', 'show', 'table', 'all'], options),
      runJson('nsenter', [...enter, '-j', 'neigh', 'show'], options),
    ])
    return {links: parseLinks(addr), addresses: parseAddresses(addr), routes: parseRoutes(routes), neighbours: parseNeighbours(neigh)}
  } catch (error) {
    if (error instanceof CollectFailure && /No such file|cannot open|reassociate/i.test(error.message)) {
      throw new CollectFailure('container-gone', `container ${container.name} stopped while it was being inspected`, 'Run macvlan doctor again.')
    }
    if (error instanceof CollectFailure && /Operation not permitted|Permission denied/i.test(error.message)) {
      throw new CollectFailure('permission-denied', `entering ${container.name}'s network namespace needs root`, 'Run as root (sudo macvlan doctor).')
    }
    throw error
  }
}

export async function collectContainerViews(containers: DockerContainer[], concurrency: number, options: RunOptions) {
  const running = containers.filter((container) => container.running && container.pid > 0)
  const views = await mapLimit(running, concurrency, async (container) => [container.id, await toSlice(() => collectContainerView(container, options))] as const)
  return Object.fromEntries(views) as Record<string, Slice<ContainerView>>
}
