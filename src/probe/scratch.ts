/**
 * The throw-away probe interface: a bridge-mode macvlan with a random locally administered MAC, in a namespace of its
 * own, so nothing the host already runs (DHCP clients, ARP caches, routes) sees or is disturbed by it. It is removed
 * on success, failure, timeout, SIGINT and SIGTERM.
 */
import {spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'

import {run} from '../collect/exec.js'
import {onInterrupt} from '../interrupt.js'

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

export async function withScratch<T>(parent: string, timeoutMs: number, use: (scratch: Scratch) => Promise<T>): Promise<T> {
  const id = randomBytes(3).toString('hex')
  const scratch: Scratch = {namespace: `mvd-probe-${process.pid}-${id}`, interface: `mvdp${id}`, mac: throwAwayMac(), parent}
  const options = {timeoutMs}
  const removeNow = () => spawnSync('ip', ['netns', 'del', scratch.namespace], {stdio: 'ignore'})
  const forget = onInterrupt(removeNow)
  try {
    await run('ip', ['netns', 'add', scratch.namespace], options)
    await run('ip', ['link', 'add', 'link', parent, 'name', scratch.interface, 'netns', scratch.namespace, 'address', scratch.mac, 'type', 'macvlan', 'mode', 'bridge'], options)
    await run('ip', ['-n', scratch.namespace, 'link', 'set', scratch.interface, 'up'], options)
    // A route lets broadcast replies (DHCP OFFERs) pass the reverse-path check on an interface without an address.
    await run('ip', ['-n', scratch.namespace, 'route', 'add', 'default', 'dev', scratch.interface], options)
    return await use(scratch)
  } finally {
    await run('ip', ['netns', 'del', scratch.namespace], options).catch(removeNow)
    forget()
  }
}
