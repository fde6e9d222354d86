/**
 * The Docker engines the lab runs: Debian 12's docker.io (installed) and Debian 13's (unpacked by
 * scripts/install-test-deps.sh into .cache/lab-engines/, started with this machine's containerd and runc).
 */
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

export interface Engine {
  /** `docker-20.10`: what test titles and fixture origins say. */
  name: string
  /** The Debian release whose docker.io this is. */
  debian: string
  dockerd: string
  /** The client Debian ships with this daemon: the lab builds its scenarios with it. */
  docker: string
  /** The engine's docker-proxy, also used on macvlan networks when a port is published. */
  dockerProxy: string
  /** Searched first for the daemon's helper binaries (docker-init); containerd and runc come from the machine. */
  path: string
  /** daemon.json for a lab whose files live in `dir`. */
  daemonConfig(dir: string): Record<string, unknown>
}

const unpacked = (suite: string, file: string) => fileURLToPath(new URL(`../../.cache/lab-engines/${suite}/${file}`, import.meta.url))

export const ENGINES = {
  '20.10': {
    name: 'docker-20.10',
    debian: 'Debian 12 (bookworm)',
    dockerd: '/usr/sbin/dockerd',
    docker: '/usr/bin/docker',
    dockerProxy: '/usr/sbin/docker-proxy',
    path: '/usr/bin',
    // Keeps the trust key in the lab directory instead of the machine's /etc/docker (26.1 has no trust key).
    daemonConfig: (dir) => ({'deprecated-key-path': join(dir, 'key.json')}),
  },
  '26.1': {
    name: 'docker-26.1',
    debian: 'Debian 13 (trixie)',
    dockerd: unpacked('trixie', 'usr/sbin/dockerd'),
    docker: unpacked('trixie', 'usr/bin/docker'),
    dockerProxy: unpacked('trixie', 'usr/sbin/docker-proxy'),
    path: unpacked('trixie', 'usr/bin'),
    daemonConfig: () => ({}),
  },
} satisfies Record<string, Engine>

export type EngineName = keyof typeof ENGINES

/** The engine of a lab that names none: tests that are not about engine differences run on this one. */
export const DEFAULT_ENGINE: EngineName = '20.10'

/**
 * The engines a run covers: all, or those listed in MACVLAN_LAB_ENGINES (comma-separated, e.g. `26.1`) to try one
 * quickly on a developer machine. CI always runs all.
 */
export function labEngines(): EngineName[] {
  const all = Object.keys(ENGINES) as EngineName[]
  const wanted = process.env.CI ? undefined : process.env.MACVLAN_LAB_ENGINES
  if (!wanted) return all
  const names = wanted.split(',').map((name) => name.trim())
  for (const name of names) if (!all.includes(name as EngineName)) throw new Error(`MACVLAN_LAB_ENGINES: unknown engine ${name}; known: ${all.join(', ')}`)
  return names as EngineName[]
}

/** Why `engine` cannot run here, or undefined when it can. */
export function engineMissing(engine: EngineName): string | undefined {
  const {dockerd, docker, debian} = ENGINES[engine]
  for (const file of [dockerd, docker]) if (!existsSync(file)) return `${file} is missing: ${debian}'s docker.io (bash scripts/install-test-deps.sh installs it)`
  return undefined
}
