/**
 * Pure parsers for the docker CLI's JSON. Only the fields the rules need are kept:
 * container Env, Cmd, Entrypoint, Labels values and Mounts are never read, so they can't leak into a report.
 */

import type {ContainerNetwork, DockerContainer, DockerEngine, DockerNetwork, IpamConfig, NetworkEndpoint, PublishedPort} from '../snapshot/types.js'
import {withoutUndefined} from './compact.js'

type Json = Record<string, unknown>

const obj = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {})
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined)
const stringMap = (value: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(obj(value)).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))


function array(raw: unknown, what: string): Json[] {
  if (!Array.isArray(raw)) throw new TypeError(`${what}: expected a JSON array`)
  return raw.map(obj)
}

/** `docker version --format '{{json .}}'` plus `docker info --format '{{json .}}'`. */
export function parseEngine(versionRaw: unknown, infoRaw: unknown): DockerEngine {
  const version = obj(versionRaw)
  const server = obj(version.Server)
  const client = obj(version.Client)
  const info = obj(infoRaw)
  const securityOptions = Array.isArray(info.SecurityOptions) ? info.SecurityOptions.map(String) : []
  const labels = Array.isArray(info.Labels) ? info.Labels.map(String) : []
  const operatingSystem = str(info.OperatingSystem) ?? ''
  return withoutUndefined<DockerEngine>({
    serverVersion: str(info.ServerVersion) ?? str(server.Version) ?? 'unknown',
    apiVersion: str(server.ApiVersion) ?? 'unknown',
    clientVersion: str(client.Version),
    os: str(info.OSType) ?? str(server.Os) ?? 'unknown',
    operatingSystem,
    kernelVersion: str(info.KernelVersion),
    rootless: securityOptions.some((option) => option.includes('name=rootless')),
    desktop: operatingSystem.includes('Docker Desktop') || labels.some((label) => label.startsWith('com.docker.desktop')),
    swarm: str(obj(info.Swarm).LocalNodeState) ?? 'inactive',
  })
}

function parseIpamConfig(raw: Json): IpamConfig {
  return withoutUndefined<IpamConfig>({
    subnet: str(raw.Subnet) ?? '',
    ipRange: str(raw.IPRange),
    gateway: str(raw.Gateway),
    auxAddresses: stringMap(raw.AuxiliaryAddresses),
  })
}

/** `docker network inspect ID…` */
export function parseNetworks(raw: unknown): DockerNetwork[] {
  return array(raw, 'docker network inspect').map((item) => {
    const ipam = obj(item.IPAM)
    const endpoints = Object.entries(obj(item.Containers)).map(([containerId, value]): NetworkEndpoint => {
      const endpoint = obj(value)
      return withoutUndefined<NetworkEndpoint>({
        containerId,
        name: str(endpoint.Name) ?? containerId.slice(0, 12),
        mac: str(endpoint.MacAddress),
        ipv4: str(endpoint.IPv4Address),
        ipv6: str(endpoint.IPv6Address),
      })
    })
    return withoutUndefined<DockerNetwork>({
      id: str(item.Id) ?? '',
      name: str(item.Name) ?? '',
      driver: str(item.Driver) ?? '',
      scope: str(item.Scope) ?? 'local',
      internal: item.Internal === true,
      enableIPv6: item.EnableIPv6 === true,
      configOnly: item.ConfigOnly === true,
      configFrom: str(obj(item.ConfigFrom).Network),
      options: stringMap(item.Options),
      ipam: {driver: str(ipam.Driver) ?? 'default', config: (Array.isArray(ipam.Config) ? ipam.Config : []).map((c) => parseIpamConfig(obj(c)))},
      labelKeys: Object.keys(obj(item.Labels)).sort(),
      endpoints: endpoints.sort((a, b) => a.name.localeCompare(b.name)),
    })
  })
}

function parseContainerNetwork(name: string, raw: Json): ContainerNetwork {
  const requested = obj(raw.IPAMConfig)
  return withoutUndefined<ContainerNetwork>({
    name,
    networkId: str(raw.NetworkID) ?? '',
    ipv4: str(raw.IPAddress),
    prefixlen: typeof raw.IPPrefixLen === 'number' && raw.IPPrefixLen > 0 ? raw.IPPrefixLen : undefined,
    ipv6: str(raw.GlobalIPv6Address),
    mac: str(raw.MacAddress),
    gateway: str(raw.Gateway),
    gatewayIpv6: str(raw.IPv6Gateway),
    requestedIpv4: str(requested.IPv4Address),
    requestedIpv6: str(requested.IPv6Address),
  })
}

function parsePublishedPorts(portBindings: unknown): PublishedPort[] {
  return Object.entries(obj(portBindings)).flatMap(([containerPort, bindings]) =>
    (Array.isArray(bindings) ? bindings : [null]).map((binding) => {
      const b = obj(binding)
      return withoutUndefined<PublishedPort>({containerPort, hostIp: str(b.HostIp), hostPort: str(b.HostPort)})
    }),
  )
}

/** `docker inspect ID…` (containers). */
export function parseContainers(raw: unknown): DockerContainer[] {
  return array(raw, 'docker inspect').map((item) => {
    const state = obj(item.State)
    const settings = obj(item.NetworkSettings)
    const config = obj(item.Config)
    const hostConfig = obj(item.HostConfig)
    return withoutUndefined<DockerContainer>({
      id: str(item.Id) ?? '',
      name: (str(item.Name) ?? '').replace(/^\//, ''),
      status: str(state.Status) ?? 'unknown',
      running: state.Running === true,
      pid: typeof state.Pid === 'number' ? state.Pid : 0,
      // Docker prints the zero time for a container that never started.
      startedAt: str(state.StartedAt)?.startsWith('0001-') ? undefined : str(state.StartedAt),
      restartCount: typeof item.RestartCount === 'number' ? item.RestartCount : undefined,
      health: str(obj(state.Health).Status),
      sandboxKey: str(settings.SandboxKey),
      networks: Object.entries(obj(settings.Networks))
        .map(([name, value]) => parseContainerNetwork(name, obj(value)))
        .sort((a, b) => a.name.localeCompare(b.name)),
      publishedPorts: parsePublishedPorts(hostConfig.PortBindings),
      requestedMac: str(config.MacAddress),
    })
  })
}
