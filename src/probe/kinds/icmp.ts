/**
 * ICMP echo: from the host to each container and the gateway (one raw-socket sweep, or ping), and from inside each
 * container to the gateway, the host and a peer (nsenter + ping, one process per namespace). The neighbour table of the
 * namespace a probe left from splits a silent target into L2 (ARP unresolved) and L3.
 */
import {runProgram} from '../../exec/run.js'
import {fanOut, mapLimit, withTarget} from '../../exec/fan-out.js'
import {packageOf} from '../../exec/packages.js'
import {shellLine} from '../../exec/quote.js'
import type {HostModel} from '../../model/host-model.js'
import {icmpSweep} from '../icmp-sweep.js'
import {pingRtt, neighbourResolved} from '../parse.js'
import {FROM_CONTAINER, planProbes, type IcmpProbe} from '../plan.js'
import {namespaceProcessLimitMs, waitSeconds} from '../timing.js'
import type {ProbePurpose, ProbeRecord, ProbeResults, ProbeSkip} from '../types.js'
import type {ProbeContext, ProbeKind} from './kind.js'

const HOST_ICMP: ProbePurpose[] = ['host-to-container', 'host-to-gateway']

interface IcmpOutcome {
  outcome: ProbeRecord['outcome']
  rttMs?: number
  detail?: string
  command: string
}

type NeighbourEntry = {dst?: string; dev?: string; lladdr?: string; state?: string[]}

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
  const resolved = mine.find((entry) => neighbourResolved([entry]))
  return {
    purpose: probe.purpose,
    kind: 'icmp',
    from: {namespace: probe.fromName, ...(device ? {interface: device} : {}), ...(mac ? {mac} : {})},
    target: probe.target,
    network: probe.network,
    ...(probe.container ? {container: probe.container} : {}),
    outcome: result.outcome,
    l2: resolved ? 'resolved' : 'unresolved',
    ...(resolved?.lladdr ? {nextHopMac: resolved.lladdr} : {}),
    ...(result.rttMs === undefined ? {} : {rttMs: result.rttMs}),
    ...(result.detail ? {detail: result.detail} : {}),
    command: result.command,
  }
}

/** Every ping of one namespace (the host's, or a container's through nsenter) at once, then its neighbour table for the L2/L3 split. */
async function pingFrom(probes: IcmpProbe[], model: HostModel, waitMs: number): Promise<ProbeRecord[]> {
  const enter = probes[0]?.namespacePath ? ['nsenter', `--net=${probes[0].namespacePath}`] : []
  const ping = ['ping', '-n', '-c', '1', '-W', waitSeconds(waitMs)]
  const targets = [...new Set(probes.map((probe) => probe.target))]
  const run = await fanOut(enter, withTarget(ping), targets, namespaceProcessLimitMs(waitMs), ['ip', '-j', 'neigh', 'show'])
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
async function containerIcmp(probes: IcmpProbe[], model: HostModel, context: ProbeContext): Promise<ProbeRecord[]> {
  const byNamespace = new Map<string, IcmpProbe[]>()
  for (const probe of probes) byNamespace.set(probe.namespacePath ?? '', [...(byNamespace.get(probe.namespacePath ?? '') ?? []), probe])
  return (await mapLimit([...byNamespace.values()], context.concurrency, (group) => pingFrom(group, model, context.waitMs))).flat()
}

/** The records, how the host's ICMP went, and why by ping when the raw socket could not be had. */
interface IcmpRun {
  records: ProbeRecord[]
  engine: ProbeResults['icmpEngine']
  fallback?: string
}

/** The host's ICMP: one raw-socket sweep when the addon works, else one ping per address. */
async function hostIcmp(probes: IcmpProbe[], model: HostModel, context: ProbeContext): Promise<IcmpRun> {
  const targets = [...new Set(probes.map((probe) => probe.target))]
  const rtts = await icmpSweep(targets, context.waitMs)
  if ('fallback' in rtts) return {records: probes.length > 0 ? await pingFrom(probes, model, context.waitMs) : [], engine: 'ping', fallback: rtts.fallback}
  const entries = probes.length > 0 ? neighbourEntries((await runProgram('ip', ['-j', 'neigh', 'show'], {timeoutMs: context.waitMs})).stdout) : []
  const records = probes.map((probe) => {
    const rttMs = rtts.get(probe.target)
    const result: IcmpOutcome = {outcome: rttMs === undefined ? 'no-reply' : 'reply', command: `ICMP echo to ${probe.target} from an in-process raw socket (ping -c 1 ${probe.target} shows the same)`}
    return icmpRecord(probe, model, rttMs === undefined ? result : {...result, rttMs}, entries)
  })
  return {records, engine: 'raw-socket'}
}

export const icmp = {
  purposes: [...HOST_ICMP, ...FROM_CONTAINER],
  /** ping on the host; ping, nsenter and root inside containers. */
  requirements(model: HostModel): ProbeSkip[] {
    const host = model.data('host')
    const tool = (name: string, purposes: ProbePurpose[]): ProbeSkip[] => (host.tools[name] ? [] : [{probe: name, reason: `${name} is not installed`, hint: `Install ${packageOf(name)}.`, purposes}])
    const root: ProbeSkip[] = host.privileges.uid === 0 ? [] : [{probe: 'namespaces', reason: 'entering namespaces needs root', hint: 'Run as root (sudo macvlan doctor).', purposes: FROM_CONTAINER}]
    return [...tool('ping', HOST_ICMP), ...tool('ping', FROM_CONTAINER), ...tool('nsenter', FROM_CONTAINER), ...root]
  },
  /** The probes to send, and those kept back (a container changing under the run, more targets than the limit). */
  plan(model: HostModel): {probes: IcmpProbe[]; skipped: ProbeSkip[]} {
    const {icmp: probes, skipped} = planProbes(model)
    return {probes, skipped}
  },
  /** The host's probes and every container's at once. */
  async run(probes: IcmpProbe[], model: HostModel, context: ProbeContext): Promise<IcmpRun> {
    const [host, inContainers] = await Promise.all([
      hostIcmp(probes.filter((probe) => !probe.namespacePath), model, context),
      containerIcmp(probes.filter((probe) => probe.namespacePath), model, context),
    ])
    return {...host, records: [...host.records, ...inContainers]}
  },
} satisfies ProbeKind<unknown, unknown>
