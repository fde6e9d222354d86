import type {HostModel} from '../../model/host-model.js'
import type {ProbeWaits} from '../timing.js'
import type {ProbePurpose, ProbeSkip} from '../types.js'

/** What every kind of probe is told when it runs. */
export interface ProbeContext extends ProbeWaits {
  concurrency: number
}

/**
 * One kind of probe (ICMP, ARP, DHCP …): the purposes it serves, what it needs of the host (each unmet need a skip
 * naming the purposes it keeps back), which packets to send decided from the snapshot alone, and sending them.
 */
export interface ProbeKind<Plan, Sent> {
  purposes: readonly ProbePurpose[]
  requirements(model: HostModel): ProbeSkip[] | Promise<ProbeSkip[]>
  plan: Plan
  run: Sent
}
