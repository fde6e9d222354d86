/**
 * The probe scheduler: asks each kind of probe what it needs and what to send, keeps back what cannot run here, and
 * sends the rest at once. Throw-away interfaces go first (their DHCP window is the longest wait); a container that
 * changed under the run is not blamed on the network.
 */
import type {HostModel} from '../model/host-model.js'
import {arp, SCRATCH_PURPOSES, type ArpTarget} from './kinds/arp.js'
import {dad} from './kinds/dad.js'
import {dhcp} from './kinds/dhcp.js'
import {icmp} from './kinds/icmp.js'
import {MAX_DHCP_QUESTIONS, type ScratchProbe} from './plan.js'
import {recheckContainers, type ContainerReader} from './recheck.js'
import {removeStaleScratch, withScratch} from './scratch.js'
import {dhcpListenCapMs, recheckLimitMs, scratchLimitMs, type ProbeWaits} from './timing.js'
import type {ProbePurpose, ProbeRecord, ProbeResults, ProbeSkip} from './types.js'

export interface ProbeOptions extends ProbeWaits {
  concurrency: number
  now: () => Date
  /** Send only these kinds of probe (all when absent): a fix is verified by the probes its checks read. */
  purposes?: ReadonlySet<ProbePurpose>
  /** Reads a container again when a probe from or to it failed: one that changed under the run is not blamed on the network. */
  reread: ContainerReader
  /** DHCP discoveries already under way, by parent (undefined when one failed: it is then sent again). */
  earlyDhcp?: EarlyDhcp
}

export type EarlyDhcp = Map<string, Promise<ProbeRecord | undefined>>

const wanted = (options: ProbeOptions, purpose: ProbePurpose) => !options.purposes || options.purposes.has(purpose)

/** Everything sent through one throw-away interface on a parent, and the host-side ARP beside it; `ready` is told once its packets are on their way. */
async function scratchProbes(plan: ScratchProbe, model: HostModel, options: ProbeOptions, ready: () => void): Promise<ProbeRecord[]> {
  const hostArp = async (): Promise<ProbeRecord[]> => (plan.gateway && wanted(options, 'mac-filter-host') ? [await arp.fromHost(plan.parent, plan.gateway, options.waitMs)] : [])
  const longestWaitMs = Math.max(options.waitMs, dhcpListenCapMs(options.dhcpWaitMs, MAX_DHCP_QUESTIONS))
  const fromScratch = withScratch(plan.parent, scratchLimitMs(longestWaitMs), async (scratch) => {
    const gateway: ArpTarget[] = plan.gateway && wanted(options, 'mac-filter-scratch') ? [{purpose: 'mac-filter-scratch', address: plan.gateway}] : []
    const owners = wanted(options, 'address-owners') ? [...new Map(plan.owners.map((owner) => [owner.address, owner])).values()] : []
    const targets = [...gateway, ...owners.map((owner): ArpTarget => ({purpose: 'address-owners', address: owner.address, network: owner.network}))]
    const early = options.earlyDhcp?.get(plan.parent)
    const discover = () => dhcp.run(scratch, dhcp.plan(model, plan.parent), options.dhcpWaitMs)
    const discovery = wanted(options, 'dhcp-discover') ? [early ? early.then((record) => record ?? discover()) : discover()] : []
    const sending = Promise.all([targets.length > 0 ? arp.run(scratch, targets, options.waitMs) : [], ...discovery])
    ready()
    const [records, ...offers] = await sending
    return [...records, ...offers]
  })
  const [host, scratch] = await Promise.all([hostArp(), fromScratch])
  return [...host, ...scratch]
}

/** Sends every planned probe, all at once up to `concurrency`, so the phase takes about one probe wait whatever the count. */
export async function runProbes(model: HostModel, options: ProbeOptions): Promise<ProbeResults> {
  const started = options.now()
  const removedStale = await removeStaleScratch(options.waitMs)
  const icmpPlan = icmp.plan(model)
  const planned = icmpPlan.probes.filter((probe) => wanted(options, probe.purpose))
  const scratchPlanned = SCRATCH_PURPOSES.some((purpose) => wanted(options, purpose)) ? arp.plan(model) : []
  const skipped = [...icmpPlan.skipped]
  // A requirement that is not met keeps back the probes of its purposes, and is reported with those of them that were
  // planned (no IPv6 probe is named on an IPv4-only host).
  const plannedPurposes = new Set(planned.map((probe) => probe.purpose))
  const icmpMissing = icmp.requirements(model).flatMap((skip) => {
    const purposes = skip.purposes.filter((purpose) => plannedPurposes.has(purpose))
    return purposes.length > 0 ? [{...skip, purposes}] : []
  })
  skipped.push(...icmpMissing)
  const runnable = planned.filter((probe) => !icmpMissing.some((skip) => skip.purposes.includes(probe.purpose)))
  const scratchMissing = scratchPlanned.length > 0 ? await arp.requirements(model) : []
  skipped.push(...scratchMissing)
  const scratchPlans = scratchMissing.length === 0 ? scratchPlanned : []
  const dadPlan = wanted(options, 'duplicate-address') ? dad.plan(model) : {probes: [], skipped: []}
  const dadMissing = dadPlan.probes.length > 0 ? await dad.requirements(model) : []
  skipped.push(...dadPlan.skipped, ...dadMissing)
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
  // Duplicate address detection waits as long as a ping: it goes out beside them, not after.
  const [pinged, scratch, detected] = await Promise.all([icmp.run(runnable, model, options), scratchRuns, dadMissing.length === 0 ? dad.run(dadPlan.probes, options) : []])
  // A container that changed under the run is not blamed on the network; when Docker cannot say, the records stand.
  const sent = [...pinged.records, ...scratch.flat(), ...detected]
  const rechecked = await recheckContainers(model, sent, options.reread, {limitMs: recheckLimitMs(options.waitMs), concurrency: options.concurrency}).catch(() => ({records: sent, skipped: []}))
  skipped.push(...rechecked.skipped)
  return {
    startedAt: started.toISOString(),
    durationMs: options.now().getTime() - started.getTime(),
    timeoutMs: options.waitMs,
    icmpEngine: pinged.engine,
    ...(pinged.fallback ? {icmpFallback: pinged.fallback} : {}),
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
