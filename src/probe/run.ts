import {fileURLToPath} from 'node:url'

import {runProgram} from '../exec/run.js'
import type {HostModel} from '../model/host-model.js'
import {shellLine} from '../exec/quote.js'
import {arpingReplies, neighbourResolved, pingRtt} from './parse.js'
import {fanOut, mapLimit, withTarget} from '../exec/fan-out.js'
import {packageOf} from '../exec/packages.js'
import {icmpSweep} from './icmp-sweep.js'
import {dhcpQuestions, FROM_CONTAINER, planProbes, MAX_DHCP_QUESTIONS, type IcmpProbe, type ScratchProbe} from './plan.js'
import {recheckContainers} from './recheck.js'
import {removeStaleScratch, throwAwayMac, withScratch, type Scratch} from './scratch.js'
import type {DhcpOffer, DhcpQuestion, ProbePurpose, ProbeRecord, ProbeResults, ProbeSkip} from './types.js'

export interface ProbeOptions {
  timeoutMs: number
  concurrency: number
  /** How long to collect OFFERs: servers ping a candidate address before offering it, which takes a second or more. */
  dhcpTimeoutMs: number
  now: () => Date
  /** Send only these kinds of probe (all when absent): a fix is verified by the probes its checks read. */
  purposes?: ReadonlySet<ProbePurpose>
  /** DHCP discoveries already under way, by parent (undefined when one failed: it is then sent again). */
  earlyDhcp?: EarlyDhcp
}

export type EarlyDhcp = Map<string, Promise<ProbeRecord | undefined>>

const wanted = (options: ProbeOptions, purpose: ProbePurpose) => !options.purposes || options.purposes.has(purpose)

const DHCP_SCRIPT = fileURLToPath(new URL('./dhcp-discover.js', import.meta.url))

async function exec(command: string[], timeoutMs: number) {
  const [file = '', ...args] = command
  return runProgram(file, args, {timeoutMs})
}

const seconds = (ms: number) => String(Math.max(1, Math.ceil(ms / 1000)))

/** iputils arping from `iface` with sender 0.0.0.0 (no cache learns anything), waiting for two answers or `timeoutMs`; the target goes last. */
const arpingFrom = (iface: string, timeoutMs: number) => ['arping', '-c', '2', '-w', seconds(timeoutMs), '-s', '0.0.0.0', '-I', iface]

interface IcmpOutcome {
  outcome: ProbeRecord['outcome']
  rttMs?: number
  detail?: string
  command: string
}

type NeighbourEntry = {dst?: string; dev?: string}

function neighbourEntries(json: string | undefined): NeighbourEntry[] {
  try {
    return JSON.parse(json || '[]') as NeighbourEntry[]
  } catch {
    return []
  }
}

/** `entries`: the whole neighbour table of the namespace the probe left from. */
function icmpRecord(probe: IcmpProbe, model: HostModel, result: IcmpOutcome, entries: NeighbourEntry[]): ProbeRecord {
  const mine = entries.filter((entry) => entry.dst === probe.target)
  const device = mine[0]?.dev
  const mac = !probe.namespacePath && device ? model.link(device)?.mac : undefined
  return {
    purpose: probe.purpose,
    kind: 'icmp',
    from: {namespace: probe.fromName, ...(device ? {interface: device} : {}), ...(mac ? {mac} : {})},
    target: probe.target,
    network: probe.network,
    ...(probe.container ? {container: probe.container} : {}),
    outcome: result.outcome,
    l2: neighbourResolved(mine) ? 'resolved' : 'unresolved',
    ...(result.rttMs === undefined ? {} : {rttMs: result.rttMs}),
    ...(result.detail ? {detail: result.detail} : {}),
    command: result.command,
  }
}

/** Every ping of one namespace (the host's, or a container's through nsenter) at once, then its neighbour table for the L2/L3 split. */
async function pingFrom(probes: IcmpProbe[], model: HostModel, timeoutMs: number): Promise<ProbeRecord[]> {
  const enter = probes[0]?.namespacePath ? ['nsenter', `--net=${probes[0].namespacePath}`] : []
  const ping = ['ping', '-n', '-c', '1', '-W', seconds(timeoutMs)]
  const targets = [...new Set(probes.map((probe) => probe.target))]
  const run = await fanOut(enter, withTarget(ping), targets, timeoutMs + 2000, ['ip', '-j', 'neigh', 'show'])
  const entries = neighbourEntries(run.after)
  return probes.map((probe) => {
    const result = run.results.get(probe.target)
    const outcome = result?.exitCode === 0 ? 'reply' : result?.exitCode === 1 ? 'no-reply' : 'error'
    const rttMs = result ? pingRtt(result.output) : undefined
    const detail = outcome === 'error' ? (result?.output || run.failure) : undefined
    const outcomeOf: IcmpOutcome = {outcome, command: shellLine([...enter, ...ping, probe.target]), ...(rttMs === undefined ? {} : {rttMs}), ...(detail ? {detail} : {})}
    return icmpRecord(probe, model, outcomeOf, entries)
  })
}

/** Container probes grouped by the namespace they leave from: one process each. */
async function containerIcmp(probes: IcmpProbe[], model: HostModel, options: ProbeOptions): Promise<ProbeRecord[]> {
  const byNamespace = new Map<string, IcmpProbe[]>()
  for (const probe of probes) byNamespace.set(probe.namespacePath ?? '', [...(byNamespace.get(probe.namespacePath ?? '') ?? []), probe])
  return (await mapLimit([...byNamespace.values()], options.concurrency, (group) => pingFrom(group, model, options.timeoutMs))).flat()
}

/** The host's ICMP: one raw-socket sweep when the addon works, else one ping per address. */
async function hostIcmp(probes: IcmpProbe[], model: HostModel, options: ProbeOptions): Promise<{records: ProbeRecord[]; engine: ProbeResults['icmpEngine']}> {
  const targets = [...new Set(probes.map((probe) => probe.target))]
  const rtts = await icmpSweep(targets, options.timeoutMs)
  if (!rtts) return {records: probes.length > 0 ? await pingFrom(probes, model, options.timeoutMs) : [], engine: 'ping'}
  const entries = probes.length > 0 ? neighbourEntries((await exec(['ip', '-j', 'neigh', 'show'], options.timeoutMs)).stdout) : []
  const records = probes.map((probe) => {
    const rttMs = rtts.get(probe.target)
    const result: IcmpOutcome = {outcome: rttMs === undefined ? 'no-reply' : 'reply', command: `ICMP echo to ${probe.target} from an in-process raw socket (ping -c 1 ${probe.target} shows the same)`}
    return icmpRecord(probe, model, rttMs === undefined ? result : {...result, rttMs}, entries)
  })
  return {records, engine: 'raw-socket'}
}

function arpRecord(purpose: ProbeRecord['purpose'], from: ProbeRecord['from'], target: string, command: string[], output: {stdout: string; exitCode?: number}): ProbeRecord {
  const replies = arpingReplies(output.stdout)
  return {purpose, kind: 'arp', from, target, outcome: replies.length > 0 ? 'reply' : output.exitCode === 1 || output.exitCode === 0 ? 'no-reply' : 'error', replies, command: shellLine(command)}
}

interface ArpTarget {
  purpose: ProbeRecord['purpose']
  address: string
  network?: string
}

/** ARP from the throw-away MAC to every target at once, collecting every answer. */
async function scratchArp(scratch: Scratch, targets: ArpTarget[], timeoutMs: number): Promise<ProbeRecord[]> {
  const enter = ['ip', 'netns', 'exec', scratch.namespace]
  const arping = arpingFrom(scratch.interface, timeoutMs)
  const run = await fanOut(enter, withTarget(arping), [...new Set(targets.map((target) => target.address))], timeoutMs + 2000)
  const from = {namespace: 'probe', interface: scratch.interface, mac: scratch.mac}
  return targets.map(({purpose, address, network}) => {
    const result = run.results.get(address)
    const record = arpRecord(purpose, from, address, [...enter, ...arping, address], result ? {stdout: result.output, exitCode: result.exitCode} : {stdout: ''})
    return {...record, parent: scratch.parent, ...(network ? {network} : {}), ...(record.outcome === 'error' ? {detail: result?.output || run.failure || 'no result'} : {})}
  })
}

/**
 * A server that pings each address before offering it and serves one client at a time (dnsmasq: ~3 s an address)
 * answers the questions one after another: the probe listens on past its window while such a server keeps answering,
 * up to one ping check per question beyond it.
 */
const DHCP_ANSWER_GAP_MS = 4000

/** How long the DHCP probe may listen at most, for `questions` and a window of `windowMs`. */
export const dhcpListenCapMs = (windowMs: number, questions: number) => windowMs + DHCP_ANSWER_GAP_MS * Math.max(0, questions - 1)

/**
 * One DISCOVER per question, each from a throw-away MAC of its own and asking for that address (option 50), in one
 * window; never a REQUEST. Every server answers every DISCOVER, asking or not, so these count the servers too; a plain
 * DISCOVER is sent only when there is nothing to ask (a server that pings first would otherwise spend ~3 s on it after
 * the probe has gone, and the next run would wait behind it).
 */
async function dhcpDiscover(scratch: Scratch, questions: DhcpQuestion[], timeoutMs: number): Promise<ProbeRecord> {
  const asks = questions.length > 0 ? questions.map((question) => `${throwAwayMac()}=${question.address}${question.after ? `@${question.after}` : ''}`) : [scratch.mac]
  const capMs = dhcpListenCapMs(timeoutMs, questions.length)
  const command = ['ip', 'netns', 'exec', scratch.namespace, process.execPath, DHCP_SCRIPT, String(timeoutMs), String(DHCP_ANSWER_GAP_MS), String(capMs), ...asks]
  const result = await exec(command, capMs + 2000)
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
    command: `DHCPDISCOVER on ${scratch.interface}${asked}; offers collected for ${timeoutMs} ms (longer while a server is still answering, at most ${capMs} ms); never a REQUEST`,
  }
}

/** `ready` is told once the throw-away interface is up and its packets are on their way. */
async function scratchProbes(plan: ScratchProbe, model: HostModel, options: ProbeOptions, ready: () => void): Promise<ProbeRecord[]> {
  const hostArp = async (): Promise<ProbeRecord[]> => {
    if (!plan.gateway || !wanted(options, 'mac-filter-host')) return []
    const command = [...arpingFrom(plan.parent, options.timeoutMs), plan.gateway]
    return [{...arpRecord('mac-filter-host', {namespace: 'host', interface: plan.parent}, plan.gateway, command, await exec(command, options.timeoutMs + 1000)), parent: plan.parent}]
  }
  const fromScratch = withScratch(plan.parent, Math.max(options.timeoutMs, dhcpListenCapMs(options.dhcpTimeoutMs, MAX_DHCP_QUESTIONS)) + 1000, async (scratch) => {
    const gateway: ArpTarget[] = plan.gateway && wanted(options, 'mac-filter-scratch') ? [{purpose: 'mac-filter-scratch', address: plan.gateway}] : []
    const owners = wanted(options, 'address-owners') ? [...new Map(plan.owners.map((owner) => [owner.address, owner])).values()] : []
    const arp = [...gateway, ...owners.map((owner): ArpTarget => ({purpose: 'address-owners', address: owner.address, network: owner.network}))]
    const early = options.earlyDhcp?.get(plan.parent)
    const discover = () => dhcpDiscover(scratch, dhcpQuestions(model, plan.parent), options.dhcpTimeoutMs)
    const dhcp = wanted(options, 'dhcp-discover') ? [early ? early.then((record) => record ?? discover()) : discover()] : []
    const sending = Promise.all([arp.length > 0 ? scratchArp(scratch, arp, options.timeoutMs) : [], ...dhcp])
    ready()
    const [records, ...offers] = await sending
    return [...records, ...offers]
  })
  const [host, scratch] = await Promise.all([hostArp(), fromScratch])
  return [...host, ...scratch]
}

const HOST_ICMP: ProbePurpose[] = ['host-to-container', 'host-to-gateway']
const SCRATCH_PURPOSES: ProbePurpose[] = ['mac-filter-host', 'mac-filter-scratch', 'address-owners', 'dhcp-discover']

/** Why a kind of probe cannot run here, with what to install or how to run; empty when it can. */
function missingFor(model: HostModel): {icmp: ProbeSkip[]; containers: ProbeSkip[]; scratch: ProbeSkip[]} {
  const host = model.data('host')
  const tool = (name: string, purposes: ProbePurpose[]): ProbeSkip[] => (host.tools[name] ? [] : [{probe: name, reason: `${name} is not installed`, hint: `Install ${packageOf(name)}.`, purposes}])
  const root = (purposes: ProbePurpose[]): ProbeSkip[] => (host.privileges.uid === 0 ? [] : [{probe: 'namespaces', reason: 'entering namespaces needs root', hint: 'Run as root (sudo macvlan doctor).', purposes}])
  const admin: ProbeSkip[] = host.privileges.capNetAdmin ? [] : [{probe: 'scratch', reason: 'a throw-away macvlan needs CAP_NET_ADMIN', hint: 'Run as root (sudo macvlan doctor).', purposes: SCRATCH_PURPOSES}]
  return {
    icmp: tool('ping', HOST_ICMP),
    containers: [...tool('ping', FROM_CONTAINER), ...tool('nsenter', FROM_CONTAINER), ...root(FROM_CONTAINER)],
    scratch: [...tool('arping', SCRATCH_PURPOSES), ...admin, ...root(SCRATCH_PURPOSES)],
  }
}

/** The flags and output parsed here are iputils' arping; Habets' arping (Debian package "arping") differs in both. */
async function arpingIsIputils(): Promise<boolean> {
  const version = await exec(['arping', '-V'], 2000)
  return `${version.stdout}${version.stderr}`.includes('iputils')
}

/** ARP for each address a fix would take, from a throw-away MAC on `parent`: an answer means someone already uses it. */
export async function proveFree(parent: string, addresses: string[], timeoutMs: number): Promise<ProbeRecord[]> {
  if (!(await arpingIsIputils())) throw new Error("iputils' arping is not installed (install iputils-arping)")
  return withScratch(parent, timeoutMs + 1000, (scratch) => scratchArp(scratch, addresses.map((address) => ({purpose: 'free-address', address})), timeoutMs))
}

/** One DHCP discovery on `parent` asking for `questions`, from throw-away MACs, on its own (also what the benchmark compares with nmap's). */
export async function discoverDhcp(parent: string, questions: DhcpQuestion[], timeoutMs: number): Promise<ProbeRecord> {
  return withScratch(parent, dhcpListenCapMs(timeoutMs, questions.length) + 1000, (scratch) => dhcpDiscover(scratch, questions, timeoutMs))
}

/** Sends every planned probe, all at once up to `concurrency`, so the phase takes about one probe timeout whatever the count. */
export async function runProbes(model: HostModel, options: ProbeOptions): Promise<ProbeResults> {
  const started = options.now()
  const removedStale = await removeStaleScratch(options.timeoutMs)
  const planned = planProbes(model)
  const plan = {...planned, icmp: planned.icmp.filter((probe) => wanted(options, probe.purpose)), scratch: SCRATCH_PURPOSES.some((purpose) => wanted(options, purpose)) ? planned.scratch : []}
  const missing = missingFor(model)
  const skipped = [...plan.skipped]
  const groups = [
    {probes: plan.icmp.filter((probe) => !probe.namespacePath), missing: missing.icmp},
    {probes: plan.icmp.filter((probe) => probe.namespacePath), missing: missing.containers},
  ]
  for (const group of groups) if (group.probes.length > 0) skipped.push(...group.missing)
  const runnable = groups.flatMap((group) => (group.missing.length === 0 ? group.probes : []))
  if (missing.scratch.length === 0 && plan.scratch.length > 0 && !(await arpingIsIputils())) {
    missing.scratch.push({probe: 'arping', reason: "the arping found is not iputils' (its flags and output differ)", hint: 'Install iputils-arping.', purposes: SCRATCH_PURPOSES})
  }
  if (plan.scratch.length > 0) skipped.push(...missing.scratch)
  const scratchPlans = missing.scratch.length === 0 ? plan.scratch : []
  // The throw-away interfaces go first: their DHCP window is the longest wait, and setting them up takes a few `ip`
  // commands that would otherwise queue behind a hundred container probes being spawned.
  const readiness = scratchPlans.map(() => {
    let resolve = () => {}
    const promise = new Promise<void>((done) => (resolve = done))
    return {promise, resolve}
  })
  const scratchRuns = Promise.all(
    scratchPlans.map((scratchPlan, index) =>
      scratchProbes(scratchPlan, model, options, () => readiness[index]?.resolve()).catch((error: Error): ProbeRecord[] => {
        skipped.push({probe: `scratch on ${scratchPlan.parent}`, reason: `the throw-away interface on ${scratchPlan.parent} could not be set up (${error.message})`, purposes: SCRATCH_PURPOSES, parent: scratchPlan.parent})
        return []
      }).finally(() => readiness[index]?.resolve()),
    ),
  )
  await Promise.all(readiness.map((entry) => entry.promise))
  const [host, inContainers, scratch] = await Promise.all([
    hostIcmp(runnable.filter((probe) => !probe.namespacePath), model, options),
    containerIcmp(runnable.filter((probe) => probe.namespacePath), model, options),
    scratchRuns,
  ])
  // A container that changed under the run is not blamed on the network; when Docker cannot say, the records stand.
  const sent = [...host.records, ...inContainers, ...scratch.flat()]
  const rechecked = await recheckContainers(model, sent, {timeoutMs: options.timeoutMs + 2000, concurrency: options.concurrency}).catch(() => ({records: sent, skipped: []}))
  skipped.push(...rechecked.skipped)
  return {
    startedAt: started.toISOString(),
    durationMs: options.now().getTime() - started.getTime(),
    timeoutMs: options.timeoutMs,
    icmpEngine: host.engine,
    records: rechecked.records,
    // Only what this run meant to send: a probe left out on purpose (a fix verifying its own checks) was not kept back.
    skipped: dedupe(skipped).flatMap((skip) => {
      const purposes = skip.purposes.filter((purpose) => wanted(options, purpose))
      return purposes.length > 0 ? [{...skip, purposes}] : []
    }),
    ...(removedStale.length > 0 ? {removedStale} : {}),
  }
}

/** One entry per reason (and parent or container), with every kind of probe it kept back. */
function dedupe(skips: ProbeSkip[]): ProbeSkip[] {
  const merged = new Map<string, ProbeSkip>()
  for (const skip of skips) {
    const key = JSON.stringify([skip.probe, skip.reason, skip.parent, skip.container])
    const seen = merged.get(key)
    merged.set(key, seen ? {...seen, purposes: [...new Set([...seen.purposes, ...skip.purposes])]} : skip)
  }
  return [...merged.values()]
}
