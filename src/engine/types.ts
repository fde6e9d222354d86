import type {HostModel} from '../model/host-model.js'
import type {ShimSpec} from '../remedy/persistence.js'
import type {ProbePurpose, ProbeResults} from '../probe/types.js'
import type {SliceName, Snapshot} from '../snapshot/types.js'

export type Outcome = 'pass' | 'warn' | 'fail' | 'skip' | 'error'

/** Why a check was skipped: only `not-applicable` leaves the overall status untouched. */
export type SkipKind = 'not-applicable' | 'missing-data'

export interface Subject {
  network?: string
  container?: string
  interface?: string
  /** The hosts a `macvlan fleet` check is about, as their files name them. */
  hosts?: string[]
}

export interface Evidence {
  /** The facts the verdict rests on, as collected. */
  facts: Record<string, unknown>
  /** Commands a human can run on the host to see the same facts. */
  commands: string[]
}

/** One runtime change `macvlan fix --apply` may make, run without a shell, and how to take it back. */
export interface FixAction {
  run: string[]
  undo: string[]
}

export interface Fix {
  summary: string
  commands: string[]
  /** The runtime part of the fix, when it can be applied safely and undone; absent for anything only a person should do. */
  actions?: FixAction[]
  /** The shim the host has once this fix is done, so `macvlan fix` can make it survive a reboot. */
  shim?: ShimSpec
  /** The address the actions take: `macvlan fix` proves it free by ARP before using it. */
  freeAddress?: FreeAddress
}

export interface FreeAddress {
  address: string
  parent: string
  /** Reserved with --aux-address: Docker never hands it out, though another device on the LAN still may hold it. */
  reserved?: boolean
  /** The declared DHCP pools (--dhcp-range) it was kept out of. */
  declaredPools?: string[]
}

/** What a rule says about one subject. */
export interface Finding {
  outcome: Outcome
  subject: Subject
  message: string
  evidence?: Evidence
  fix?: Fix
  skipKind?: SkipKind
  /**
   * What this finding observed, as stable words the causal layer matches (e.g. `gateway-unreachable`): a finding is
   * a consequence only when every one of its symptoms is explained. Absent: the finding is one symptom.
   */
  symptoms?: string[]
}

/** What a check must share with an upstream one to be its consequence. */
export type CausalScope =
  /** The same Docker network. */
  | 'network'
  /** The same parent link (of the check's network, or named as its interface). */
  | 'parent'
  /** The same parent, and the check's container holds one of the addresses the upstream check names. */
  | 'address'

/** An upstream failure that makes this rule's own failure a consequence. */
export interface UpstreamCause {
  /** The upstream rule's id. */
  id: string
  on: CausalScope
  /** Only upstream findings showing one of these symptoms explain (default: any warning or failure of that rule). */
  when?: string[]
  /** The symptoms of this rule it explains (default: all of them). */
  explains?: string[]
}

export interface RuleMeta {
  /** Kebab-case slug, stable forever. */
  id: string
  /** Short code (MVD001…), never reused. */
  code: string
  title: string
  /** Outcome when the rule finds its problem. */
  severity: 'warn' | 'fail'
  /** Snapshot slices the rule reads; if one failed to collect the rule is skipped with that reason. */
  requires: SliceName[]
  /** Slices the rule reads when they were collected, and judges without when they were not. */
  optional?: SliceName[]
  /** When this rule fails nothing else can be judged (macvlan cannot work here at all): the rest are not run. */
  stopsOnFail?: boolean
  /** The probes whose records the rule reads: `macvlan fix` re-sends these to verify what it changed. */
  probes?: ProbePurpose[]
  /** Upstream failures that explain this rule's own: with one of them found, this rule's finding is its consequence. */
  causedBy?: UpstreamCause[]
}

/** What the operator told us that the host cannot (config file or flags). */
export interface RuleSettings {
  /** The LAN's DHCP pools, as `first-last` or CIDR, when the operator declares them. */
  dhcpRanges: string[]
  /** Distinct MACs on one parent above which mac-sprawl warns. */
  macSprawlThreshold: number
}

export const DEFAULT_SETTINGS: RuleSettings = {dhcpRanges: [], macSprawlThreshold: 32}

export interface RuleInput {
  snapshot: Snapshot
  model: HostModel
  settings: RuleSettings
  /** What the probes proved; absent with --no-probe and when replaying a snapshot. */
  probes?: ProbeResults
}

export interface Rule {
  meta: RuleMeta
  /** Pure: no I/O, no clock, no randomness. An empty result means the rule had nothing to judge. */
  evaluate(input: RuleInput): Finding[]
}

/** Another check of the same report, by id and subject. */
export interface CheckRef {
  id: string
  subject: Subject
}

export interface CheckResult extends Finding {
  id: string
  code: string
  title: string
  docs: string
  /** The failing or warning checks of this report that explain this one: it is their consequence, not a problem of its own. */
  causedBy?: CheckRef[]
}
