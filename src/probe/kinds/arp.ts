/**
 * ARP with iputils arping, sender 0.0.0.0 so no cache learns anything: from the parent itself and from a throw-away MAC
 * to the gateway (a switch that filters unknown MACs answers one and not the other), and from the throw-away MAC to
 * every address Docker hands out (who else answers for it), or to the addresses a fix would take.
 */
import {fanOut, withTarget} from '../../exec/fan-out.js'
import {packageOf} from '../../exec/packages.js'
import {runProgram} from '../../exec/run.js'
import {shellLine} from '../../exec/quote.js'
import type {HostModel} from '../../model/host-model.js'
import {arpingReplies} from '../parse.js'
import {planProbes, type ScratchProbe} from '../plan.js'
import {withScratch, type Scratch} from '../scratch.js'
import {hostProcessLimitMs, namespaceProcessLimitMs, scratchLimitMs, VERSION_QUERY_LIMIT_MS, waitSeconds} from '../timing.js'
import type {ProbePurpose, ProbeRecord, ProbeSkip} from '../types.js'
import type {ProbeKind} from './kind.js'

/** Every purpose served from a throw-away interface (ARP's and DHCP's): they share its requirements. */
export const SCRATCH_PURPOSES: ProbePurpose[] = ['mac-filter-host', 'mac-filter-scratch', 'address-owners', 'dhcp-discover']

/** iputils arping from `iface`, waiting for two answers or `waitMs`; the target goes last. */
const arpingFrom = (iface: string, waitMs: number) => ['arping', '-c', '2', '-w', waitSeconds(waitMs), '-s', '0.0.0.0', '-I', iface]

function arpRecord(purpose: ProbeRecord['purpose'], from: ProbeRecord['from'], target: string, command: string[], output: {stdout: string; exitCode?: number}): ProbeRecord {
  const replies = arpingReplies(output.stdout)
  return {purpose, kind: 'arp', from, target, outcome: replies.length > 0 ? 'reply' : output.exitCode === 1 || output.exitCode === 0 ? 'no-reply' : 'error', replies, command: shellLine(command)}
}

export interface ArpTarget {
  purpose: ProbeRecord['purpose']
  address: string
  network?: string
}

/** ARP from the throw-away MAC to every target at once, collecting every answer. */
async function fromScratch(scratch: Scratch, targets: ArpTarget[], waitMs: number): Promise<ProbeRecord[]> {
  const enter = ['ip', 'netns', 'exec', scratch.namespace]
  const arping = arpingFrom(scratch.interface, waitMs)
  const run = await fanOut(enter, withTarget(arping), [...new Set(targets.map((target) => target.address))], namespaceProcessLimitMs(waitMs))
  const from = {namespace: 'probe', interface: scratch.interface, mac: scratch.mac}
  return targets.map(({purpose, address, network}) => {
    const result = run.results.get(address)
    const record = arpRecord(purpose, from, address, [...enter, ...arping, address], result ? {stdout: result.output, exitCode: result.exitCode} : {stdout: ''})
    return {...record, parent: scratch.parent, ...(network ? {network} : {}), ...(record.outcome === 'error' ? {detail: result?.output || run.failure || 'no result'} : {})}
  })
}

/** ARP from the parent itself (the host's own MAC) to `gateway`. */
async function fromHost(parent: string, gateway: string, waitMs: number): Promise<ProbeRecord> {
  const [file, ...args] = [...arpingFrom(parent, waitMs), gateway]
  const result = await runProgram(file ?? 'arping', args, {timeoutMs: hostProcessLimitMs(waitMs)})
  return {...arpRecord('mac-filter-host', {namespace: 'host', interface: parent}, gateway, [file ?? 'arping', ...args], result), parent}
}

/** The flags and output parsed here are iputils' arping; Habets' arping (Debian package "arping") differs in both. */
export async function arpingIsIputils(): Promise<boolean> {
  const version = await runProgram('arping', ['-V'], {timeoutMs: VERSION_QUERY_LIMIT_MS})
  return `${version.stdout}${version.stderr}`.includes('iputils')
}

/** ARP for each address a fix would take, from a throw-away MAC on `parent`: an answer means someone already uses it. */
export async function proveFree(parent: string, addresses: string[], waitMs: number): Promise<ProbeRecord[]> {
  if (!(await arpingIsIputils())) throw new Error("iputils' arping is not installed (install iputils-arping)")
  return withScratch(parent, scratchLimitMs(waitMs), (scratch) => fromScratch(scratch, addresses.map((address) => ({purpose: 'free-address', address})), waitMs))
}

export const arp = {
  purposes: ['mac-filter-host', 'mac-filter-scratch', 'address-owners', 'free-address'],
  /**
   * What a throw-away interface needs (it also carries the DHCP probe): iputils arping, CAP_NET_ADMIN and root. Whether
   * the arping found is iputils' is asked only when everything else is there.
   */
  async requirements(model: HostModel): Promise<ProbeSkip[]> {
    const host = model.data('host')
    const missing: ProbeSkip[] = [
      ...(host.tools.arping ? [] : [{probe: 'arping', reason: 'arping is not installed', hint: `Install ${packageOf('arping')}.`, purposes: SCRATCH_PURPOSES}]),
      ...(host.privileges.capNetAdmin ? [] : [{probe: 'scratch', reason: 'a throw-away macvlan needs CAP_NET_ADMIN', hint: 'Run as root (sudo macvlan doctor).', purposes: SCRATCH_PURPOSES}]),
      ...(host.privileges.uid === 0 ? [] : [{probe: 'namespaces', reason: 'entering namespaces needs root', hint: 'Run as root (sudo macvlan doctor).', purposes: SCRATCH_PURPOSES}]),
    ]
    if (missing.length > 0 || (await arpingIsIputils())) return missing
    return [{probe: 'arping', reason: "the arping found is not iputils' (its flags and output differ)", hint: 'Install iputils-arping.', purposes: SCRATCH_PURPOSES}]
  },
  /** One throw-away interface a parent, with the gateway and the addresses Docker hands out there. */
  plan: (model: HostModel): ScratchProbe[] => planProbes(model).scratch,
  run: fromScratch,
  fromHost,
} satisfies ProbeKind<unknown, unknown> & {fromHost: unknown}
