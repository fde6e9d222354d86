/**
 * Duplicate address detection for each running container's IPv4 address: iputils `arping -D` (ARP requests with sender
 * 0.0.0.0, so no cache learns anything), twice, from two places at once. From the parent itself: macvlan passes no frame
 * between a parent and its children, so the container never hears these and any answer is another device on the LAN,
 * whatever its MAC. From inside the container's own namespace: that also reaches this host's other macvlan links, but
 * never a twin with the container's own MAC (a second Docker host with the same range), whose macvlan takes a
 * broadcast from its own MAC for its own echo and sends its answer to itself.
 */
import {fanOut, mapLimit, withTarget, type TargetResult} from '../../exec/fan-out.js'
import {packageOf} from '../../exec/packages.js'
import {shellLine} from '../../exec/quote.js'
import {ipv4Pools, namespacePathOf, type HostModel} from '../../model/host-model.js'
import {bareAddress, cidrContains} from '../../model/ip.js'
import {arpingReplies, arpingSent} from '../parse.js'
import {namespaceProcessLimitMs, waitSeconds} from '../timing.js'
import type {ProbePurpose, ProbeRecord, ProbeSkip} from '../types.js'
import {arpingIsIputils} from './arp.js'
import type {ProbeContext, ProbeKind} from './kind.js'

const PURPOSES: ProbePurpose[] = ['duplicate-address']

export interface DadProbe {
  address: string
  network: string
  parent: string
  container: string
  /** The container's namespace and the interface holding the address there; absent when its own view was not collected. */
  inside?: {namespacePath: string; interface: string}
}

/** Two requests within the probe wait (arping sends one a second and stops at the first answer); the target goes last. */
const dadFrom = (iface: string, waitMs: number) => ['arping', '-D', '-c', '2', '-w', waitSeconds(waitMs), '-I', iface]

function dadRecord(probe: DadProbe, from: ProbeRecord['from'], command: string[], result: TargetResult | undefined, failure: string | undefined): ProbeRecord {
  const output = result?.output ?? ''
  const replies = arpingReplies(output)
  const sent = arpingSent(output)
  const outcome = replies.length > 0 ? 'reply' : sent === undefined ? 'error' : 'no-reply'
  return {
    purpose: 'duplicate-address',
    kind: 'arp',
    from,
    target: probe.address,
    parent: probe.parent,
    network: probe.network,
    container: probe.container,
    outcome,
    replies,
    ...(sent === undefined ? {} : {sent}),
    ...(outcome === 'error' ? {detail: output || failure || 'no result'} : {}),
    command: shellLine(command),
  }
}

/** Every address on one parent from the parent itself, in one process. */
async function fromParent(parent: string, probes: DadProbe[], waitMs: number): Promise<ProbeRecord[]> {
  const arping = dadFrom(parent, waitMs)
  const run = await fanOut([], withTarget(arping), [...new Set(probes.map((probe) => probe.address))], namespaceProcessLimitMs(waitMs))
  return probes.map((probe) => dadRecord(probe, {namespace: 'host', interface: parent}, [...arping, probe.address], run.results.get(probe.address), run.failure))
}

/** One container's own address from inside its namespace. */
async function fromInside(probe: DadProbe & Required<Pick<DadProbe, 'inside'>>, waitMs: number): Promise<ProbeRecord> {
  const enter = ['nsenter', `--net=${probe.inside.namespacePath}`]
  const arping = dadFrom(probe.inside.interface, waitMs)
  const run = await fanOut(enter, withTarget(arping), [probe.address], namespaceProcessLimitMs(waitMs))
  return dadRecord(probe, {namespace: probe.container, interface: probe.inside.interface}, [...enter, ...arping, probe.address], run.results.get(probe.address), run.failure)
}

export const dad = {
  purposes: PURPOSES,
  /** iputils arping, and root to enter the containers' namespaces. */
  async requirements(model: HostModel): Promise<ProbeSkip[]> {
    const host = model.data('host')
    const missing: ProbeSkip[] = [
      ...(host.tools.arping ? [] : [{probe: 'arping', reason: 'arping is not installed', hint: `Install ${packageOf('arping')}.`, purposes: PURPOSES}]),
      ...(host.tools.nsenter ? [] : [{probe: 'nsenter', reason: 'nsenter is not installed', hint: `Install ${packageOf('nsenter')}.`, purposes: PURPOSES}]),
      ...(host.privileges.uid === 0 ? [] : [{probe: 'namespaces', reason: 'entering namespaces needs root', hint: 'Run as root (sudo macvlan doctor).', purposes: PURPOSES}]),
    ]
    if (missing.length > 0 || (await arpingIsIputils())) return missing
    return [{probe: 'arping', reason: "the arping found is not iputils' (its flags and output differ)", hint: 'Install iputils-arping.', purposes: PURPOSES}]
  },
  /** Each running, steady container's IPv4 address on a macvlan network whose parent exists; the others are kept back. */
  plan(model: HostModel): {probes: DadProbe[]; skipped: ProbeSkip[]} {
    const probes: DadProbe[] = []
    const skipped: ProbeSkip[] = []
    for (const l2 of model.l2Networks()) {
      if (l2.driver !== 'macvlan' || !l2.parent || !model.link(l2.parent)) continue
      const pools = ipv4Pools(l2)
      for (const {container, endpoint} of model.endpointsOf(l2.network)) {
        const address = endpoint.ipv4 ? bareAddress(endpoint.ipv4) : undefined
        if (!address || !container.running || container.pid <= 0 || !pools.some((pool) => cidrContains(pool.subnet, address))) continue
        const unsteady = model.unsteadyReason(container)
        // Worded as the other probes' skip for this container, so the report lists it once.
        if (unsteady) {
          skipped.push({probe: `container ${container.name}`, reason: `${unsteady}: not probed`, purposes: PURPOSES, container: container.name})
          continue
        }
        const iface = model.containerView(container)?.addresses.find((entry) => entry.local === address)?.ifname
        probes.push({address, network: l2.network.name, parent: l2.parent, container: container.name, ...(iface ? {inside: {namespacePath: namespacePathOf(container), interface: iface}} : {})})
      }
    }
    return {probes, skipped}
  },
  /** From every parent and from inside every container at once. */
  async run(probes: DadProbe[], context: ProbeContext): Promise<ProbeRecord[]> {
    const byParent = new Map<string, DadProbe[]>()
    for (const probe of probes) byParent.set(probe.parent, [...(byParent.get(probe.parent) ?? []), probe])
    const inside = probes.flatMap((probe) => (probe.inside ? [{...probe, inside: probe.inside}] : []))
    const [parents, containers] = await Promise.all([
      Promise.all([...byParent].map(([parent, group]) => fromParent(parent, group, context.waitMs))),
      mapLimit(inside, context.concurrency, (probe) => fromInside(probe, context.waitMs)),
    ])
    return [...parents.flat(), ...containers]
  },
} satisfies ProbeKind<unknown, unknown>
