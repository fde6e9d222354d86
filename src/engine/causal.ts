/**
 * Causes before symptoms. After the rules, every failing or warning check that an upstream failure of the same report
 * explains (as its rule declares in `meta.causedBy`) names its root causes in `causedBy`, keeps its own outcome, and
 * leaves its fix to them; a root cause is at least as severe as anything it explains. Pure: a function of the checks,
 * the rules' declarations and the host model.
 */
import {MissingSlice, type HostModel} from '../model/host-model.js'
import {bareAddress} from '../model/ip.js'
import type {CausalScope, CheckRef, CheckResult, Outcome, RuleMeta, UpstreamCause} from './types.js'

/** The evidence fact in which a check lists the addresses it is about (ip-conflict: the addresses held twice). */
export const ADDRESSES_FACT = 'conflictedAddresses'

/** The symptom of a finding that does not name its symptoms: only an upstream cause without `explains` covers it. */
const WHOLE = '*'

const isProblem = (check: CheckResult) => check.outcome === 'warn' || check.outcome === 'fail'

/** Where a check applies: its network, that network's parent (or the parent it names), and the addresses it is about. */
export interface Place {
  network?: string
  /** The parent link; for a fleet check, the LAN it is about. */
  parent?: string
  addresses: string[]
  /** The hosts a fleet check is about: a cause explains only checks about hosts it names too. */
  hosts?: string[]
}

interface HostIndex {
  parentOf: Map<string, string>
  parents: Set<string>
  addressOf: (container: string, network: string) => string | undefined
}

function indexOf(model: HostModel): HostIndex {
  const parentOf = new Map<string, string>()
  try {
    for (const l2 of model.l2Networks()) if (l2.parent) parentOf.set(l2.network.name, l2.parent)
  } catch (error) {
    if (!(error instanceof MissingSlice)) throw error
  }
  const addressOf = (container: string, network: string) => {
    try {
      const ipv4 = model.data('containers').find((candidate) => candidate.name === container)?.networks.find((endpoint) => endpoint.name === network)?.ipv4
      return ipv4 ? bareAddress(ipv4) : undefined
    } catch (error) {
      if (error instanceof MissingSlice) return undefined
      throw error
    }
  }
  return {parentOf, parents: new Set(parentOf.values()), addressOf}
}

/** Where each check of one host's report applies. */
export function hostPlaces(model: HostModel): (check: CheckResult) => Place {
  const host = indexOf(model)
  return (check) => placeOf(check, host)
}

function placeOf(check: CheckResult, host: HostIndex): Place {
  const {network, interface: link, container} = check.subject
  const parent = network ? host.parentOf.get(network) : link && host.parents.has(link) ? link : undefined
  const named = check.evidence?.facts[ADDRESSES_FACT]
  const own = container && network ? host.addressOf(container, network) : undefined
  const addresses = [...(Array.isArray(named) ? named.filter((value): value is string => typeof value === 'string') : []), ...(own ? [own] : [])]
  return {...(network ? {network} : {}), ...(parent ? {parent} : {}), addresses}
}

function samePlace(on: CausalScope, symptom: Place, cause: Place): boolean {
  if (symptom.hosts && !symptom.hosts.every((host) => cause.hosts?.includes(host))) return false
  if (on === 'network') return symptom.network !== undefined && symptom.network === cause.network
  if (symptom.parent === undefined || symptom.parent !== cause.parent) return false
  return on === 'parent' || symptom.addresses.some((address) => cause.addresses.includes(address))
}

const showsOneOf = (check: CheckResult, symptoms: string[] | undefined) => !symptoms || symptoms.some((symptom) => check.symptoms?.includes(symptom))

/** How a report names a check in a sentence: `parent-down (eth1)`, by its container, else its interface, else its network; a fleet check by its network and hosts (`fleet-range-overlap (lan on a, b)`). */
export function refText(ref: CheckRef): string {
  const {container, network, interface: link, hosts} = ref.subject
  const where = hosts ? [network, hosts.join(', ')].filter(Boolean).join(' on ') : (container ?? link ?? network)
  return where ? `${ref.id} (${where})` : ref.id
}

const SEVERITY: Record<Outcome, number> = {pass: 0, skip: 0, error: 0, warn: 1, fail: 2}

/** Indices of the checks that directly explain `checks[index]`, or none when any of its symptoms is left unexplained. */
function directCauses(index: number, checks: readonly CheckResult[], places: Place[], declared: Map<string, UpstreamCause[]>): number[] {
  const check = checks[index] as CheckResult
  if (!isProblem(check)) return []
  const symptoms = check.symptoms?.length ? check.symptoms : [WHOLE]
  const covered = new Set<string>()
  const causes = new Set<number>()
  for (const upstream of declared.get(check.id) ?? []) {
    for (const [candidate, cause] of checks.entries()) {
      if (candidate === index || cause.id !== upstream.id || !isProblem(cause) || !showsOneOf(cause, upstream.when)) continue
      if (!samePlace(upstream.on, places[index] as Place, places[candidate] as Place)) continue
      const explained = symptoms.filter((symptom) => !upstream.explains || upstream.explains.includes(symptom))
      if (explained.length === 0) continue
      for (const symptom of explained) covered.add(symptom)
      causes.add(candidate)
    }
  }
  return symptoms.every((symptom) => covered.has(symptom)) ? [...causes] : []
}

/**
 * `checks` with `causedBy` filled from the rules' declarations. A consequence names its root causes (a cause that is
 * itself explained is replaced by what explains it), says so in its message and loses its fix; a root cause that
 * explains a failure becomes a failure too, and says why. Checks whose id is in `ignored` explain nothing.
 */
export function explainChecks(rules: ReadonlyArray<{meta: Pick<RuleMeta, 'id' | 'causedBy'>}>, checks: readonly CheckResult[], placeOf: (check: CheckResult) => Place, ignored: readonly string[] = []): CheckResult[] {
  const declared = new Map(rules.map((rule) => [rule.meta.id, rule.meta.causedBy ?? []]))
  const places = checks.map(placeOf)
  const considered = checks.map((check) => (ignored.includes(check.id) ? {...check, outcome: 'skip' as const} : check))
  const direct = checks.map((_, index) => directCauses(index, considered, places, declared))

  const rootsOf = (index: number, path: ReadonlySet<number>): number[] => {
    const causes = (direct[index] ?? []).filter((cause) => !path.has(cause))
    if (causes.length === 0) return [index]
    return [...new Set(causes.flatMap((cause) => rootsOf(cause, new Set([...path, cause]))))]
  }
  const roots = checks.map((_, index) => ((direct[index] ?? []).length > 0 ? rootsOf(index, new Set([index])).filter((root) => root !== index).sort((a, b) => a - b) : []))

  const ref = (index: number): CheckRef => ({id: (checks[index] as CheckResult).id, subject: (checks[index] as CheckResult).subject})
  const explainedBy = (root: number) => checks.flatMap((check, index) => (roots[index]?.includes(root) ? [{check, index}] : []))

  return checks.map((check, index) => {
    const causes = roots[index] ?? []
    if (causes.length > 0) {
      const named = causes.map((cause) => refText(ref(cause))).join(' and ')
      const {fix: _leftToTheRootCause, ...rest} = check
      return {...rest, message: `${check.message} This follows from ${named}: fix ${causes.length === 1 ? 'that' : 'those'} first.`, causedBy: causes.map(ref)}
    }
    const consequences = explainedBy(index)
    const worst = consequences.filter(({check: consequence}) => SEVERITY[consequence.outcome] > SEVERITY[check.outcome])
    if (!isProblem(check) || worst.length === 0) return check
    const outcome = worst.some(({check: consequence}) => consequence.outcome === 'fail') ? 'fail' : 'warn'
    const failing = worst.filter(({check: consequence}) => consequence.outcome === outcome).map(({index: consequence}) => refText(ref(consequence)))
    return {...check, outcome, message: `${check.message} Counted as a ${outcome === 'fail' ? 'failure' : 'warning'}: it explains ${failing.join(', ')}, which ${failing.length === 1 ? (outcome === 'fail' ? 'fails' : 'warns') : outcome === 'fail' ? 'fail' : 'warn'}.`}
  })
}
