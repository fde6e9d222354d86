/** The plan (and what --apply did) as text for a terminal, Markdown for a ticket, or JSON for automation. */
import type {Status} from '../engine/status.js'
import type {Outcome} from '../engine/types.js'
import {shellLine} from '../exec/quote.js'
import type {Persistence} from '../remedy/persistence.js'
import {fence} from '../render/markdown.js'
import {printableData} from '../render/printable.js'
import type {CommandResult, WrittenFile} from './apply.js'
import type {CheckChange, Verification} from './verify.js'
import type {AddressProof, FixPlan, FixStep, ShimPersistence} from './plan.js'
import {subjectText} from '../render/subject.js'

/** The names doctor uses: `table` is the plain text a person reads at a terminal. */
export const FIX_FORMATS = ['table', 'markdown', 'json'] as const
export type FixFormat = (typeof FIX_FORMATS)[number]

/**
 * How a session ended, one word per exit code (see FIX_EXIT_CODES): `verified` (applied and proven), `written` (only
 * files, nothing to verify), `nothing` (nothing to apply), `rolled-back` (a step or the verification failed, and
 * everything was taken back), `rollback-incomplete` (taking back failed somewhere: see `rolledBack`).
 */
export type ApplyResult = 'verified' | 'written' | 'nothing' | 'rolled-back' | 'rollback-incomplete'

export interface ApplyReport {
  result: ApplyResult
  /** Commands that ran and succeeded, in order. */
  applied: string[]
  failed?: CommandResult
  persisted: WrittenFile[]
  verification?: Verification
  /** Present when the changes were taken back. */
  rolledBack?: CommandResult[]
  statusAfter?: Status
  /** What still warns or fails after a verified fix, and how each was before, so the status after is never a mystery. */
  remaining?: Array<Pick<CheckChange, 'id' | 'subject' | 'before'> & {outcome: Outcome}>
}

export interface FixOutcome {
  plan: FixPlan
  apply?: ApplyReport
}

const change = (entry: CheckChange) => `${entry.id} (${subjectText(entry.subject)}): ${entry.before} → ${entry.after}${entry.problem ? ` (${entry.problem})` : ''}`

/** Prose and command blocks, shared by both human formats: only how a heading and a block of commands look differs. */
interface Style {
  title: (text: string) => string
  heading: (text: string) => string
  step: (text: string) => string
  /** Before prose that belongs to a step. */
  indent: string
  block: (lines: string[]) => string[]
  item: (text: string) => string
  file: (path: string, content: string) => string[]
}

const TEXT: Style = {
  title: (text) => text,
  heading: (text) => `== ${text}`,
  step: (text) => text,
  indent: '   ',
  block: (lines) => lines.map((line) => `    ${line}`),
  item: (text) => `  - ${text}`,
  file: (path, content) => [`  ${path}:`, ...content.trimEnd().split('\n').map((line) => `    | ${line}`)],
}

const MARKDOWN: Style = {
  title: (text) => `# ${text}`,
  heading: (text) => `## ${text}`,
  step: (text) => `### ${text}`,
  indent: '',
  block: (lines) => fence('sh', lines),
  item: (text) => `- ${text}`,
  file: (path, content) => [`\`${path}\`:`, '', ...fence('ini', content.trimEnd().split('\n'))],
}

function stepLines(step: FixStep, index: number, style: Style): string[] {
  const {check} = step
  const {indent} = style
  const lines = ['', style.step(`${index + 1}. [${check.outcome.toUpperCase()}] ${check.id} (${check.code}), ${subjectText(check.subject)}`), '', `${indent}${check.message}`, '', `${indent}Fix: ${step.summary}`]
  if (step.runtime.length > 0) lines.push('', `${indent}Applied by \`macvlan fix --apply\` (each undone if verification fails):`, '', ...style.block(step.runtime.map((action) => shellLine(action.run))))
  if (step.held) lines.push('', `${indent}Not applied: ${step.held}.`)
  if (step.manual.length > 0) lines.push('', `${indent}By hand (never run by macvlan fix):`, '', ...style.block(step.manual))
  return lines
}

const MANAGER_WORDS: Record<Persistence['manager'], string> = {'systemd-networkd': 'systemd-networkd', NetworkManager: 'NetworkManager', ifupdown: 'ifupdown', 'systemd-unit': 'a systemd unit'}

function persistenceLines(entries: ShimPersistence[], style: Style, written: boolean): string[] {
  if (entries.length === 0) return []
  const lines = ['', style.heading('Surviving a reboot')]
  for (const {shim, persistence} of entries) {
    if (persistence.refused) {
      lines.push('', `Shim ${shim.name} on ${shim.parent}: nothing can be written for it (${persistence.refused}).`)
      continue
    }
    lines.push('', `Shim ${shim.name} on ${shim.parent}, with ${MANAGER_WORDS[persistence.manager]} (${persistence.reason}):`, '')
    for (const file of persistence.files) lines.push(...style.file(file.path, file.content), '')
    for (const link of persistence.links ?? []) lines.push(style.item(`the link ${link.path} → ${link.target}`), '')
    lines.push(written ? 'Written; to activate them now rather than at the next boot:' : '`macvlan fix --persist` writes these files (backing up any it replaces); then:', '', ...style.block(persistence.activate))
  }
  return lines
}

function undoLine(undo: CommandResult): string {
  if (undo.error) return `FAILED: ${undo.command}: ${undo.error}`
  if (undo.nothingToUndo) return `nothing to undo: ${undo.command} (the change had not taken effect)`
  return `ok: ${undo.command}`
}

/** "still fail" only for a check that failed before the fix; anything else says what it was. */
function remainingLine(entry: NonNullable<ApplyReport['remaining']>[number]): string {
  const what = `${entry.id} (${subjectText(entry.subject)})`
  if (entry.before === entry.outcome) return `still ${entry.outcome}: ${what}`
  if (entry.before === 'absent') return `${entry.outcome}, new since the fix: ${what}`
  return `${entry.outcome}, was ${entry.before}: ${what}`
}

function applyLines(apply: ApplyReport, style: Style): string[] {
  const lines = ['', style.heading('Applied')]
  if (apply.applied.length === 0 && !apply.failed) lines.push('', 'Nothing to run: no step has a runtime part that can be applied safely.')
  lines.push('', ...apply.applied.map((command) => style.item(`ok: ${command}`)))
  if (apply.failed) lines.push(style.item(`FAILED: ${apply.failed.command}: ${apply.failed.error ?? ''}`))
  for (const file of apply.persisted) lines.push(style.item(`${file.directory ? 'created directory' : file.changed ? 'wrote' : 'unchanged'}: ${file.path}${file.backup ? ` (previous version saved as ${file.backup})` : ''}`))
  if (apply.verification) {
    const rounds = apply.verification.rounds > 1 ? ` (after ${apply.verification.rounds} rounds of probes)` : ''
    lines.push('', style.heading(apply.verification.passed ? `Verified${rounds}` : `Verification failed${rounds}`), '', ...apply.verification.changes.map((entry) => style.item(change(entry))))
  }
  if (apply.rolledBack) {
    lines.push('', style.heading('Rolled back'), '', ...apply.rolledBack.map((undo) => style.item(undoLine(undo))))
    if (apply.persisted.some((file) => file.changed)) lines.push(style.item('restored every file --persist had written'))
  }
  if (apply.statusAfter) lines.push('', `Host status after: ${apply.statusAfter.toUpperCase()}`, ...(apply.remaining ?? []).map((entry) => style.item(remainingLine(entry))))
  return lines
}

/** File contents keep their line breaks; every other control character from the host is shown escaped. */
const MULTI_LINE = new Set(['content'])

function human(outcome: FixOutcome, style: Style): string {
  const {plan, apply} = printableData(outcome, MULTI_LINE)
  const title = `macvlan fix for ${plan.host ?? 'this host'}: status ${plan.status.toUpperCase()}, ${plan.steps.length} ${plan.steps.length === 1 ? 'remedy' : 'remedies'}${plan.replay ? ' (from a saved snapshot: print only)' : ''}`
  const lines = [style.title(title)]
  if (plan.steps.length === 0) lines.push('', 'Nothing to fix: no failing or warning check has a remedy.')
  plan.steps.forEach((step, index) => lines.push(...stepLines(step, index, style)))
  if (plan.addressProofs.length > 0) {
    const poolText = (proof: AddressProof) => (proof.pool ? `; DHCP pool: ${proof.pool.verdict === 'inside' ? 'inside' : proof.pool.verdict === 'outside' ? 'outside' : 'not proven'} (${proof.pool.detail})` : '')
    lines.push('', style.heading('Addresses the fix would take'), '', ...plan.addressProofs.map((proof) => style.item(`${proof.address} on ${proof.parent}: ${proof.verdict} by ARP (${proof.detail})${poolText(proof)}`)))
  }
  lines.push(...persistenceLines(plan.persistence, style, Boolean(apply?.persisted.some((file) => file.changed))))
  if (apply) lines.push(...applyLines(apply, style))
  return `${lines.join('\n')}\n`
}

/** Only what --apply did, for a terminal that already shows the plan. */
export function renderApplied(apply: ApplyReport, format: Exclude<FixFormat, 'json'>): string {
  return `${applyLines(printableData(apply), format === 'markdown' ? MARKDOWN : TEXT).join('\n')}\n`
}

export function renderFix(outcome: FixOutcome, format: FixFormat): string {
  if (format === 'json') return `${JSON.stringify(outcome, null, 2)}\n`
  return human(outcome, format === 'markdown' ? MARKDOWN : TEXT)
}
