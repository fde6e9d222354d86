/**
 * DHCP discovery from throw-away MACs on a throw-away interface: one DISCOVER per address in doubt (option 50), never
 * a REQUEST. Every server answers every DISCOVER, so the offers also count the servers.
 */
import type {HostModel} from '../../model/host-model.js'
import {runProgram} from '../../exec/run.js'
import {helperCommand} from '../../package-root.js'
import {dhcpQuestions} from '../plan.js'
import {throwAwayMac, withScratch, type Scratch} from '../scratch.js'
import {DHCP_ANSWER_GAP_MS, dhcpListenCapMs, namespaceProcessLimitMs, scratchLimitMs} from '../timing.js'
import type {DhcpOffer, DhcpQuestion, ProbeRecord} from '../types.js'
import {arp} from './arp.js'
import type {ProbeKind} from './kind.js'

/**
 * One DISCOVER per question, each from a throw-away MAC of its own and asking for that address (option 50), in one
 * window; never a REQUEST. Every server answers every DISCOVER, asking or not, so these count the servers too; a plain
 * DISCOVER is sent only when there is nothing to ask (a server that pings first would otherwise spend ~3 s on it after
 * the probe has gone, and the next run would wait behind it).
 */
async function discover(scratch: Scratch, questions: DhcpQuestion[], windowMs: number): Promise<ProbeRecord> {
  const asks = questions.length > 0 ? questions.map((question) => `${throwAwayMac()}=${question.address}${question.after ? `@${question.after}` : ''}`) : [scratch.mac]
  const capMs = dhcpListenCapMs(windowMs, questions.length)
  const [file, ...args] = ['ip', 'netns', 'exec', scratch.namespace, ...helperCommand('dhcp-discover'), String(windowMs), String(DHCP_ANSWER_GAP_MS), String(capMs), ...asks]
  const result = await runProgram(file ?? 'ip', args, {timeoutMs: namespaceProcessLimitMs(capMs)})
  const offers = result.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as DhcpOffer & {mac: string})
    .map(({mac: _mac, ...offer}) => offer)
  const followUps = questions.filter((question) => question.after)
  const asked =
    questions.length > 0
      ? ` asking for ${questions.filter((question) => !question.after).map((question) => question.address).join(', ')}${followUps.length > 0 ? ` (then ${followUps.map((question) => `${question.address} if ${question.after} is offered`).join(', ')})` : ''} with option 50, each from a throw-away MAC`
      : ' (plain, nothing to ask)'
  return {
    purpose: 'dhcp-discover',
    kind: 'dhcp',
    parent: scratch.parent,
    from: {namespace: 'probe', interface: scratch.interface, mac: scratch.mac},
    target: '255.255.255.255:67',
    // An offer is an answer even when the discovery ended badly afterwards; silence counts only from a clean run.
    outcome: offers.length > 0 ? 'reply' : result.exitCode !== 0 ? 'error' : 'no-reply',
    offers,
    questions,
    ...(result.failure ? {detail: result.failure} : {}),
    command: `DHCPDISCOVER on ${scratch.interface}${asked}; offers collected for ${windowMs} ms (longer while a server is still answering, at most ${capMs} ms); never a REQUEST`,
  }
}

/** One DHCP discovery on `parent` asking for `questions`, from throw-away MACs, on its own (also what the benchmark compares with nmap's). */
export async function discoverDhcp(parent: string, questions: DhcpQuestion[], windowMs: number): Promise<ProbeRecord> {
  return withScratch(parent, scratchLimitMs(dhcpListenCapMs(windowMs, questions.length)), (scratch) => discover(scratch, questions, windowMs))
}

export const dhcp = {
  purposes: ['dhcp-discover'],
  /** It runs on the throw-away interface ARP uses, and needs what that needs. */
  requirements: (model: HostModel) => arp.requirements(model),
  /** The addresses to ask the servers on a parent for. */
  plan: dhcpQuestions,
  run: discover,
} satisfies ProbeKind<unknown, unknown>
