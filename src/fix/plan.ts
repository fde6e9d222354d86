/**
 * The remedy for this host, from the doctor's report: what `--apply` may run (each with its undo), what only a person
 * should do, and how each shim survives a reboot. Pure, so every plan is unit-tested from fixtures.
 */
import type {Report} from '../engine/report.js'
import type {Status} from '../engine/status.js'
import type {CheckResult, Fix, FixAction, FreeAddress, Subject} from '../engine/types.js'
import {shellLine} from '../exec/quote.js'
import type {HostModel} from '../model/host-model.js'
import {persistenceCommands, persistenceFor, type Persistence, type ShimSpec} from '../remedy/persistence.js'
import type {ProbeRecord} from '../probe/types.js'
import {poolMembership, serverAnswers, type ServerAnswers} from '../rules/support/dhcp-membership.js'

const FIX_PLAN_SCHEMA_VERSION = 1

/** What ARP said about an address a fix would take, and for one Docker has not reserved, what the DHCP probe said. */
export interface AddressProof {
  address: string
  parent: string
  verdict: 'free' | 'taken' | 'unproven'
  detail: string
  command?: string
  /** Whether the LAN's DHCP pool holds it: asked of the servers with the requested-address probe, or a declared pool. */
  pool?: {verdict: 'outside' | 'inside' | 'unproven'; detail: string}
}

export interface FixStep {
  check: Pick<CheckResult, 'id' | 'code' | 'title' | 'subject' | 'message'> & {outcome: 'warn' | 'fail'}
  summary: string
  /** What `--apply` runs, in order, without a shell; each with the command that takes it back. */
  runtime: FixAction[]
  /** For a person: recreating a network, a hypervisor or switch setting, anything that is not safely undone. */
  manual: string[]
  /** Why the runtime part is held back (then it is listed under manual), e.g. the address it needs is taken. */
  held?: string
}

export interface ShimPersistence {
  shim: ShimSpec
  persistence: Persistence
}

export interface FixPlan {
  schemaVersion: number
  tool: {name: string; version: string}
  generatedAt: string
  host?: string
  /** The host's status when the plan was made. */
  status: Status
  /** True when the plan comes from a saved snapshot: it can be printed, never applied. */
  replay: boolean
  steps: FixStep[]
  persistence: ShimPersistence[]
  addressProofs: AddressProof[]
}

export function proofFromRecord(record: ProbeRecord, parent: string): AddressProof {
  const base = {address: record.target, parent, command: record.command}
  if (record.outcome === 'reply') return {...base, verdict: 'taken', detail: `answered ARP from ${(record.replies ?? []).map((reply) => reply.mac).join(', ')}`}
  if (record.outcome === 'no-reply') return {...base, verdict: 'free', detail: 'no answer to ARP from a throw-away MAC'}
  return {...base, verdict: 'unproven', detail: `the ARP probe failed (${record.detail ?? 'unknown error'})`}
}

/** An address outside Docker's range is the LAN's unless proven otherwise: what the DHCP servers said when asked for it. */
function poolProof(report: Report, wanted: FreeAddress): NonNullable<AddressProof['pool']> {
  const records = (report.probes?.records ?? []).filter((record) => record.purpose === 'dhcp-discover' && record.parent === wanted.parent && record.outcome !== 'error')
  const servers = serverAnswers(records)
  const offered = (server: ServerAnswers) => server.offers.filter((offer) => offer.requested === wanted.address).map((offer) => offer.offered).join(', ')
  const membership = poolMembership(records, wanted.parent, wanted.address)
  if (membership === 'in') return {verdict: 'inside', detail: `the DHCP server ${servers.filter((server) => server.of(wanted.address) === 'in').map((server) => server.server).join(', ')} offered it when asked for it`}
  if (membership === 'out') return {verdict: 'outside', detail: `asked for it, ${servers.map((server) => `the DHCP server ${server.server} offered ${offered(server)}`).join('; ')}`}
  const declared = wanted.declaredPools ?? []
  if (declared.length > 0) return {verdict: 'outside', detail: `outside the declared DHCP pool ${declared.join(', ')}`}
  const silent = servers.filter((server) => server.of(wanted.address) === 'unanswered').map((server) => server.server)
  const why = records.length === 0 ? 'no DHCP probe was sent' : servers.length === 0 ? 'no DHCP server answered the probe' : `the DHCP server ${silent.join(', ')} did not answer when asked for it`
  return {verdict: 'unproven', detail: `${why}; if a DHCP server serves this LAN, declare its pool with --dhcp-range FIRST-LAST`}
}

type Remediable = CheckResult & {outcome: 'warn' | 'fail'; fix: Fix}

const isRemediable = (check: CheckResult): check is Remediable => (check.outcome === 'warn' || check.outcome === 'fail') && check.fix !== undefined

/** Why an address cannot be taken now, or undefined when it was proven free (and, unless reserved, not the DHCP pool's). */
function holdReason(check: Remediable, proofs: AddressProof[], report: Report): string | undefined {
  const wanted = check.fix.freeAddress
  if (!wanted) return undefined
  const proof = proofs.find((candidate) => candidate.address === wanted.address && candidate.parent === wanted.parent)
  // An aux address is Docker's promise: only an answer to ARP (another device holds it) keeps the fix from taking it.
  if (wanted.reserved) return proof?.verdict === 'taken' ? `${wanted.address} is reserved with --aux-address, but ${proof.detail}: another device holds it; reserve a free address with --aux-address and re-run` : undefined
  if (!proof && report.source.kind === 'replay') return `${wanted.address} is not reserved, and a saved snapshot cannot prove it free: run macvlan fix on the host`
  if (!proof) return `${wanted.address} is not reserved and was not proven free (probes were off): run without --no-probe, or reserve an address with --aux-address and re-run`
  if (proof.verdict !== 'free') return `${wanted.address} is not reserved and ${proof.detail}: reserve a free address with --aux-address and re-run`
  if (proof.pool?.verdict === 'inside') return `${wanted.address} is in the LAN's DHCP pool (${proof.pool.detail}), so the server may lease it to another device: declare the pool with --dhcp-range FIRST-LAST so the fix picks an address outside it, or reserve one with --aux-address, and re-run`
  return undefined
}

/** One shim per name; a step that changes the shim knows its final shape better than one that only describes it. */
function shimsToPersist(checks: Remediable[], steps: FixStep[]): ShimSpec[] {
  const shims = new Map<string, ShimSpec>()
  checks.forEach((check, index) => {
    const {shim} = check.fix
    if (!shim || steps[index]?.held) return
    if (!shims.has(shim.name) || (steps[index]?.runtime.length ?? 0) > 0) shims.set(shim.name, shim)
  })
  return [...shims.values()]
}

export function buildFixPlan(report: Report, model: HostModel, arpProofs: AddressProof[]): FixPlan {
  const checks = report.checks.filter(isRemediable)
  const wanted = checks.flatMap((check) => (check.fix.freeAddress && !check.fix.freeAddress.reserved ? [check.fix.freeAddress] : []))
  const proofs = arpProofs.map((proof) => {
    const unreserved = wanted.find((address) => address.address === proof.address && address.parent === proof.parent)
    return unreserved ? {...proof, pool: poolProof(report, unreserved)} : proof
  })
  const steps = checks.map((check): FixStep => {
    const {fix} = check
    const held = holdReason(check, proofs, report)
    const runtime = held ? [] : (fix.actions ?? [])
    const runLines = new Set(runtime.map((action) => shellLine(action.run)))
    const {id, code, title, subject, message, outcome} = check
    return {check: {id, code, title, subject, message, outcome}, summary: fix.summary, runtime, manual: fix.commands.filter((line) => !runLines.has(line)), ...(held ? {held} : {})}
  })
  const persistence = shimsToPersist(checks, steps).map((shim) => ({shim, persistence: persistenceFor(model, shim)}))
  // The persistence section prints those files once; steps need not repeat them.
  const persistenceLines = new Set(persistence.flatMap((entry) => persistenceCommands(entry.persistence)))
  for (const step of steps) step.manual = step.manual.filter((line) => !persistenceLines.has(line))
  return {
    schemaVersion: FIX_PLAN_SCHEMA_VERSION,
    tool: report.tool,
    generatedAt: report.generatedAt,
    ...(report.host.hostname ? {host: report.host.hostname} : {}),
    status: report.status,
    replay: report.source.kind === 'replay',
    steps,
    persistence,
    addressProofs: proofs,
  }
}

/** Every address a plan's fixes would take unreserved, grouped by the parent to prove them on. */
export function addressesToProve(report: Report): Map<string, string[]> {
  const byParent = new Map<string, string[]>()
  for (const check of report.checks.filter(isRemediable)) {
    const wanted = check.fix.freeAddress
    if (!wanted) continue
    const list = byParent.get(wanted.parent) ?? []
    if (!list.includes(wanted.address)) byParent.set(wanted.parent, [...list, wanted.address])
  }
  return byParent
}

/** Identifies a check across two runs of the doctor. */
export function checkKey(check: {id: string; subject: Subject}): string {
  return `${check.id} ${JSON.stringify([check.subject.network, check.subject.container, check.subject.interface])}`
}
