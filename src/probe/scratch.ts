/**
 * The throw-away probe interface: a bridge-mode macvlan with a random locally administered MAC, in a namespace of its
 * own, so nothing the host already runs (DHCP clients, ARP caches, routes) sees or is disturbed by it. It is removed
 * on success, failure, timeout, SIGINT, SIGTERM, SIGHUP and SIGQUIT; after SIGKILL, by the next run that probes.
 */
import {randomBytes} from 'node:crypto'
import {readdir} from 'node:fs/promises'

import {onInterrupt} from '../interrupt.js'
import {runChecked, runProgram, runProgramSync} from '../exec/run.js'

/** Where `ip netns add` puts its namespaces. */
const NETNS_DIR = '/run/netns'

export interface Scratch {
  namespace: string
  interface: string
  mac: string
  parent: string
}

/** A random unicast, locally administered MAC (first octet x2/x6/xA/xE). */
export function throwAwayMac(): string {
  const bytes = randomBytes(6)
  bytes[0] = ((bytes[0] ?? 0) & 0xfc) | 0x02
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join(':')
}

/** The pid of the run that made a throw-away namespace is in its name: `mvd-probe-<pid>-<random>`. */
const SCRATCH_NAMESPACE = /^mvd-probe-(\d+)-[0-9a-f]{6}$/

/** Whether a process with `pid` exists (EPERM: it does, and belongs to someone else). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function namespaces(): Promise<string[]> {
  try {
    return await readdir(NETNS_DIR)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
}

let staleRemoval: Promise<string[]> | undefined

/**
 * Removes the throw-away namespaces (and the macvlans in them) that runs killed by SIGKILL left behind: no handler
 * runs on SIGKILL. Only a namespace whose run is gone is removed; one whose pid is alive may be another run probing
 * right now. Done once per process, before its first throw-away namespace; resolves to the names removed.
 */
export function removeStaleScratch(timeoutMs: number): Promise<string[]> {
  staleRemoval ??= namespaces().then(async (names) => {
    const stale = names.filter((name) => {
      const pid = Number(SCRATCH_NAMESPACE.exec(name)?.[1])
      return pid > 0 && pid !== process.pid && !alive(pid)
    })
    const removed: string[] = []
    for (const name of stale) if ((await runProgram('ip', ['netns', 'del', name], {timeoutMs})).exitCode === 0) removed.push(name)
    return removed
  })
  return staleRemoval
}

export async function withScratch<T>(parent: string, timeoutMs: number, use: (scratch: Scratch) => Promise<T>): Promise<T> {
  await removeStaleScratch(timeoutMs)
  const id = randomBytes(3).toString('hex')
  const scratch: Scratch = {namespace: `mvd-probe-${process.pid}-${id}`, interface: `mvdp${id}`, mac: throwAwayMac(), parent}
  const options = {timeoutMs}
  const removeNow = () => runProgramSync('ip', ['netns', 'del', scratch.namespace], {timeoutMs})
  const forget = onInterrupt(removeNow)
  try {
    await runChecked('ip', ['netns', 'add', scratch.namespace], options)
    await runChecked('ip', ['link', 'add', 'link', parent, 'name', scratch.interface, 'netns', scratch.namespace, 'address', scratch.mac, 'type', 'macvlan', 'mode', 'bridge'], options)
    await runChecked('ip', ['-n', scratch.namespace, 'link', 'set', scratch.interface, 'up'], options)
    // A route lets broadcast replies (DHCP OFFERs) pass the reverse-path check on an interface without an address.
    await runChecked('ip', ['-n', scratch.namespace, 'route', 'add', 'default', 'dev', scratch.interface], options)
    return await use(scratch)
  } finally {
    await runChecked('ip', ['netns', 'del', scratch.namespace], options).catch(removeNow)
    forget()
  }
}
