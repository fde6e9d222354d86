import Table from 'cli-table3'

import type {Report} from '../engine/report.js'
import type {CheckResult, Outcome} from '../engine/types.js'
import {describe} from '../probe/describe.js'

export interface TableOptions {
  color: boolean
  /** Show passing and not-applicable checks too. */
  verbose: boolean
}

const OUTCOME_ORDER: Record<Outcome, number> = {fail: 0, error: 1, warn: 2, skip: 3, pass: 4}
const OUTCOME_COLOR: Record<Outcome, number> = {fail: 31, error: 35, warn: 33, skip: 90, pass: 32}
const LABEL: Record<Outcome, string> = {fail: 'FAIL', error: 'ERROR', warn: 'WARN', skip: 'SKIP', pass: 'ok'}

function paint(text: string, code: number, color: boolean): string {
  return color ? `\u001B[${code}m${text}\u001B[0m` : text
}

function subjectText(check: CheckResult): string {
  const {container, interface: iface} = check.subject
  return [container && `container ${container}`, iface && `if ${iface}`].filter(Boolean).join(', ') || '-'
}

function shown(check: CheckResult, verbose: boolean): boolean {
  if (verbose) return true
  return check.outcome !== 'pass' && !(check.outcome === 'skip' && check.skipKind === 'not-applicable')
}

function groupByNetwork(checks: CheckResult[]): Map<string, CheckResult[]> {
  const groups = new Map<string, CheckResult[]>()
  for (const check of checks) {
    const key = check.subject.network ? `network ${check.subject.network}` : 'host'
    groups.set(key, [...(groups.get(key) ?? []), check])
  }
  return groups
}

/** Fixes go below the table, unwrapped, so every command can be copied as it is. */
function fixLines(checks: CheckResult[]): string[] {
  return checks.flatMap((check) => {
    if (!check.fix || (check.outcome !== 'fail' && check.outcome !== 'warn')) return []
    return ['', `fix ${check.id} (${subjectText(check)}): ${check.fix.summary}`, ...check.fix.commands.map((command) => `  $ ${command}`)]
  })
}

function headline(report: Report): string {
  const {counts} = report
  const docker = report.host.docker ? `Docker ${report.host.docker.serverVersion}` : 'Docker not reachable'
  const what = [`${report.tool.name} ${report.tool.version}`, report.host.hostname, `kernel ${report.host.kernel ?? '?'}`, docker]
  if (report.source.kind === 'replay') what.push(`replay of a snapshot taken ${report.source.collectedAt}`)
  return [
    what.filter(Boolean).join(' · '),
    `status: ${report.status.toUpperCase()} (${counts.fail} failed, ${counts.warn} warnings, ${counts.error} errors, ${counts.skip} skipped, ${counts.pass} passed)`,
  ].join('\n')
}

/** What was sent, from where, and what did not answer: a ticket reader must see that verdicts rest on real packets. */
function probeLines(report: Report, verbose: boolean): string[] {
  const probes = report.probes
  if (!probes) return [report.source.kind === 'replay' ? 'probes: none (replayed snapshot)' : 'probes: none (--no-probe)']
  const unanswered = probes.records.filter((record) => record.outcome !== 'reply' && record.purpose !== 'dhcp-discover')
  const scratch = probes.records.find((record) => record.from.namespace === 'probe')
  const origins = [...new Set(probes.records.map((record) => record.container ?? (record.from.namespace === 'probe' ? undefined : record.from.namespace)).filter(Boolean))]
  const lines = [
    `probes: ${probes.records.length} sent in ${(probes.durationMs / 1000).toFixed(1)} s from ${origins.join(', ') || 'nowhere'}${scratch ? ` and throw-away MAC ${scratch.from.mac} on ${scratch.parent}` : ''}; ${unanswered.length} without reply`,
  ]
  for (const record of verbose ? probes.records : unanswered) lines.push(`  ${describe(record)}`)
  for (const skip of probes.skipped) lines.push(`  not probed: ${skip.reason}${skip.hint ? ` — ${skip.hint}` : ''}`)
  return lines
}

/** One line per distinct failure: when Docker is down, every Docker slice fails the same way. */
function collectionFailures(report: Report): Map<string, string[]> {
  const byText = new Map<string, string[]>()
  for (const error of report.collectionErrors) {
    const text = `${error.message}${error.hint ? ` — ${error.hint}` : ''}`
    byText.set(text, [...(byText.get(text) ?? []), error.slice])
  }
  return byText
}

/** The default report for a person at a terminal: grouped by network, failures first, each fix under its failure. */
export function renderTable(report: Report, options: TableOptions): string {
  const lines = [headline(report)]
  for (const [text, slices] of collectionFailures(report)) {
    lines.push(paint(`! could not collect ${slices.join(', ')}: ${text}`, 33, options.color))
  }
  lines.push(...probeLines(report, options.verbose))
  const visible = report.checks.filter((check) => shown(check, options.verbose))
  const sorted = [...visible].sort((a, b) => OUTCOME_ORDER[a.outcome] - OUTCOME_ORDER[b.outcome])
  for (const [group, checks] of groupByNetwork(sorted)) {
    const table = new Table({
      head: ['', 'check', 'subject', 'finding'],
      // cli-table3 colours its borders and headers by default, even in pipes: only on a TTY here.
      style: options.color ? {head: ['bold'], border: ['grey']} : {head: [], border: []},
      colWidths: [8, 22, 20, 70],
      wordWrap: true,
    })
    for (const check of checks) {
      table.push([paint(LABEL[check.outcome], OUTCOME_COLOR[check.outcome], options.color), `${check.id}\n${check.code}`, subjectText(check), check.message])
    }
    lines.push('', group, table.toString(), ...fixLines(checks))
  }
  if (visible.length === 0) lines.push('', `All ${report.counts.pass} checks passed.`)
  const hidden = report.checks.length - visible.length
  if (hidden > 0 && !options.verbose) lines.push('', `${hidden} passing or not applicable checks hidden (--verbose shows them). macvlan explain <id> describes a check.`)
  return lines.join('\n')
}
