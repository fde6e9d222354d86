import type {DockerEngine} from '../snapshot/types.js'

/** `major.minor.patch` of the Docker Engine, from `ServerVersion` (`26.1.5+dfsg1`, `28.0.1`, `29.0.0-rc.2`). */
export type EngineVersion = readonly [number, number, number]

export function engineVersion(docker: DockerEngine | undefined): EngineVersion | undefined {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(docker?.serverVersion ?? '')
  return match ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] : undefined
}

/** Whether the engine is `version` or newer; undefined when its version could not be read (then nothing version-specific is claimed). */
export function engineAtLeast(docker: DockerEngine | undefined, version: EngineVersion): boolean | undefined {
  const own = engineVersion(docker)
  if (!own) return undefined
  for (let part = 0; part < 3; part++) if (own[part] !== version[part]) return (own[part] ?? 0) > (version[part] ?? 0)
  return true
}

/** Whether the engine is one of `[from, to)`: a regression shipped in `from` and fixed in `to`. */
export function engineBetween(docker: DockerEngine | undefined, [from, to]: readonly [EngineVersion, EngineVersion]): boolean {
  return engineAtLeast(docker, from) === true && engineAtLeast(docker, to) === false
}

/** The engine changes the rules judge by (moby tags where each first shipped). */
export const ENGINE = {
  /** A macvlan network without a parent is internal: no gateway, no external DNS (moby cd7240f6d9). */
  parentlessInternal: [26, 1, 0],
  /** Several macvlan networks may share a parent, except in passthru mode (moby#47318). */
  sharedParent: [27, 1, 0],
  /** A container on a down parent fails to start, from 28.0.1 until 28.1.0 fixed it (moby#49593). */
  parentDownStartFailure: [
    [28, 0, 1],
    [28, 1, 0],
  ],
  /** Endpoints get random MACs instead of 02:42 and the IPv4 address (moby#48808). */
  randomMacs: [28, 0, 0],
} as const satisfies Record<string, EngineVersion | readonly [EngineVersion, EngineVersion]>
