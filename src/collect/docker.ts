import type {ContainerView, DockerContainer, DockerEngine, DockerNetwork, Slice} from '../snapshot/types.js'
import {fanOut, type TargetResult} from '../exec/fan-out.js'
import {shellLine} from '../exec/quote.js'
import {namespacePathOf} from '../model/host-model.js'
import {CollectFailure, parseBatchOutput, parseJsonOutput, run, toSlice, type RunOptions} from './command-output.js'
import {parseAddresses, parseLinks, parseNeighbours, parseRoutes} from './parse-iproute.js'
import {parseContainers, parseEngine, parseNetworks} from './parse-docker.js'
import {IPV6_CONF_SCRIPT, parseIpv6Conf} from './parse-sysctl.js'

/** The drivers whose endpoints sit directly on a host parent link. */
const L2_DRIVERS = ['macvlan', 'ipvlan'] as const

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
    return new CollectFailure('docker-unreachable', `the Docker daemon is not reachable (${text.replace(/^.*failed: /, '')})`, 'Start Docker (systemctl start docker), or point DOCKER_HOST (or `docker context use NAME`) at the right daemon.')
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
  const [version, info] = await Promise.all([docker(['version', '--format', '{{json .}}'], options), docker(['info', '--format', '{{json .}}'], options)])
  return parseEngine(version, info)
}

/** Every macvlan and ipvlan network, config-only and swarm-scoped ones included. */
export async function collectNetworks(options: RunOptions): Promise<DockerNetwork[]> {
  // Filters on the same key are ORed.
  const listed = await dockerText(['network', 'ls', '--no-trunc', ...L2_DRIVERS.flatMap((driver) => ['--filter', `driver=${driver}`]), '--format', '{{.ID}}'], options)
  const ids = new Set(listed.split('\n').filter(Boolean))
  if (ids.size === 0) return []
  const networks = parseNetworks(await docker(['network', 'inspect', ...ids], options))
  // A swarm network's --config-only template has driver "null", so the driver filter misses it.
  const templates = [...new Set(networks.flatMap((network) => network.configFrom ?? []))].filter((name) => !networks.some((n) => n.name === name))
  if (templates.length > 0) networks.push(...parseNetworks(await docker(['network', 'inspect', ...templates], options)))
  return networks.sort((a, b) => a.name.localeCompare(b.name))
}

/** Every container's id, in any state (created and exited ones too). */
export async function listContainers(options: RunOptions): Promise<string[]> {
  return (await dockerText(['ps', '--all', '--quiet', '--no-trunc'], options)).split('\n').filter(Boolean)
}

/** Those of the containers `ids` that are attached to one of `networks`. */
export async function collectContainers(ids: string[], networks: DockerNetwork[], options: RunOptions): Promise<DockerContainer[]> {
  if (networks.length === 0 || ids.length === 0) return []
  const networkIds = new Set(networks.map((network) => network.id))
  const networkNames = new Set(networks.map((network) => network.name))
  const containers = await currentContainers(ids, options)
  return containers
    .filter((container) => container.networks.some((n) => networkIds.has(n.networkId) || networkNames.has(n.name)))
    .sort((a, b) => a.name.localeCompare(b.name))
}

/** The containers `ids` as Docker sees them now; one that no longer exists is left out. */
export async function currentContainers(ids: string[], options: RunOptions): Promise<DockerContainer[]> {
  return parseContainers(await inspectContainers(ids, options))
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

/** What `ip` shows inside a container, one JSON document a line. */
const VIEW_BATCH = ['addr show', 'route show table all', 'neigh show']
const IP_BATCH = ['ip', '-j', '-d', '-batch', '-']
// One `ip -batch` per container, all forked by one sh: on a host with a hundred containers, spawning is the cost. The
// IPv6 settings follow its output, read inside the namespace too; their absence (no IPv6 in the kernel) is no failure.
const IN_VIEW = `${shellLine(['printf', `${VIEW_BATCH.join('\n')}\n`])} | ${shellLine(IP_BATCH)} || exit; ${IPV6_CONF_SCRIPT}; exit 0`
const VIEW_SNIPPET = `nsenter --net="$t" ${shellLine(['sh', '-c', IN_VIEW])}`

function viewOf(container: DockerContainer, path: string, result: TargetResult | undefined, failure: string | undefined): ContainerView {
  const shown = `nsenter --net=${path} ${IP_BATCH.join(' ')}`
  if (!result) throw new CollectFailure('command-failed', `\`${shown}\` gave no result: ${failure ?? 'no error text'}`)
  if (result.exitCode !== 0) {
    if (/No such file|cannot open|reassociate/i.test(result.output)) {
      throw new CollectFailure('container-gone', `container ${container.name} stopped while it was being inspected`, 'Run macvlan doctor again.')
    }
    if (/Operation not permitted|Permission denied/i.test(result.output)) {
      throw new CollectFailure('permission-denied', `entering ${container.name}'s network namespace needs root`, 'Run as root (sudo macvlan doctor).')
    }
    throw new CollectFailure('command-failed', `\`${shown}\` failed: ${result.output.split('\n')[0] || `exit code ${result.exitCode}`}`)
  }
  const [addr, routes, neigh] = parseBatchOutput('nsenter', [shown], VIEW_BATCH, result.output)
  const ipv6Conf = parseIpv6Conf(result.output.split('\n').slice(VIEW_BATCH.length).join('\n'))
  return {links: parseLinks(addr), addresses: parseAddresses(addr), routes: parseRoutes(routes), neighbours: parseNeighbours(neigh), ...(Object.keys(ipv6Conf).length > 0 ? {ipv6Conf} : {})}
}

/** Each running container's own view, `concurrency` namespaces at a time. */
export async function collectContainerViews(containers: DockerContainer[], concurrency: number, options: RunOptions) {
  const running = containers.filter((container) => container.running && container.pid > 0)
  const views: Record<string, Slice<ContainerView>> = {}
  for (let start = 0; start < running.length; start += concurrency) {
    const group = running.slice(start, start + concurrency)
    // Each path once: whether the sandbox exists may change between two looks.
    const entries = group.map((container) => ({container, path: namespacePathOf(container)}))
    const run = await fanOut([], VIEW_SNIPPET, entries.map(({path}) => path), options.timeoutMs)
    for (const {container, path} of entries) views[container.id] = await toSlice(async () => viewOf(container, path, run.results.get(path), run.failure))
  }
  return views
}
