import stringWidth from 'string-width'

import type {Report} from '../engine/report.js'
import type {CheckResult, Outcome} from '../engine/types.js'
import {describeProbe} from '../probe/describe.js'
import {refText} from '../engine/causal.js'
import {causalView, consequenceList, problemsText, type CausalView} from './causes.js'
import {statusUnder} from '../engine/status.js'
import type {RenderOptions} from './options.js'
import {subjectText} from './subject.js'

const OUTCOME_ORDER: Record<Outcome, number> = {fail: 0, error: 1, warn: 2, skip: 3, pass: 4}
const OUTCOME_COLOR: Record<Outcome, number> = {fail: 31, error: 35, warn: 33, skip: 90, pass: 32}
const LABEL: Record<Outcome, string> = {fail: 'FAIL', error: 'ERROR', warn: 'WARN', skip: 'SKIP', pass: 'ok'}
const LABEL_WIDTH = 5
const GAP = '  '
/** Below this the finding column is too narrow to read: the subject then moves into it. */
const MIN_FINDING_WIDTH = 30

function paint(text: string, code: number, color: boolean): string {
  return color ? `\u001B[${code}m${text}\u001B[0m` : text
}

const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - stringWidth(text)))

/** The subject beside the network column: container and interface only. */
const subjectCell = (check: CheckResult) => subjectText(check.subject, {network: false, interfaceLabel: 'if', none: '-'})

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

/** Words to lines of at most `width` columns; a word longer than a line is cut, never the column overrun. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(' ')) {
    let rest = word
    while (stringWidth(rest) > width) {
      if (line) lines.push(line)
      line = ''
      let cut = ''
      for (const character of rest) {
        if (stringWidth(cut + character) > width) break
        cut += character
      }
      lines.push(cut)
      rest = rest.slice(cut.length)
    }
    if (!line) line = rest
    else if (stringWidth(`${line} ${rest}`) <= width) line = `${line} ${rest}`
    else {
      lines.push(line)
      line = rest
    }
  }
  if (line || lines.length === 0) lines.push(line)
  return lines
}

/** A prose line fitted to `columns`: continuation lines indented under it. Commands (`  $ …`) are never wrapped, so they copy as they are. */
function fit(line: string, columns: number): string[] {
  if (stringWidth(line) <= columns || line.startsWith('  $ ')) return [line]
  const indent = ' '.repeat(line.length - line.trimStart().length)
  const [first = '', ...rest] = wrap(line.trimStart(), Math.max(10, columns - indent.length - 2))
  const again = rest.length > 0 ? wrap(rest.join(' '), Math.max(10, columns - indent.length - 2)) : []
  return [`${indent}${first}`, ...again.map((text) => `${indent}  ${text}`)]
}

/** Rows of short fields in aligned columns, the last column wrapped to what is left of `columns` (for `macvlan rules`). */
export function alignedRows(head: string[], rows: string[][], columns: number): string[] {
  const widths = head.slice(0, -1).map((title, index) => Math.max(stringWidth(title), ...rows.map((row) => stringWidth(row[index] ?? ''))))
  const used = widths.reduce((total, width) => total + width + GAP.length, 0)
  const lastWidth = Math.max(10, columns - used)
  return [head, ...rows].flatMap((row) =>
    wrap(row.at(-1) ?? '', lastWidth).map((line, index) => `${widths.map((width, column) => pad(index === 0 ? (row[column] ?? '') : '', width)).join(GAP)}${GAP}${line}`.trimEnd()),
  )
}

/** Fixes go below their group, unwrapped so every command can be copied; each fix once, at its root cause. */
function fixLines(checks: CheckResult[], printed: Set<string>): string[] {
  return checks.flatMap((check) => {
    if (!check.fix || (check.outcome !== 'fail' && check.outcome !== 'warn')) return []
    const key = JSON.stringify([check.fix.summary, check.fix.commands])
    if (printed.has(key)) return []
    printed.add(key)
    return ['', `fix ${check.id} (${subjectCell(check)}): ${check.fix.summary}`, ...check.fix.commands.map((command) => `  $ ${command}`)]
  })
}

/** "1 problem: parent-down (eth1) (3 failed, 0 warnings, …)": problems are root causes, the checks in brackets count symptoms too. */
function countsText(report: Report, view: CausalView): string {
  const {counts} = report
  return `${problemsText(view)} (${counts.fail} failed, ${counts.warn} warnings, ${counts.error} errors, ${counts.skip} skipped, ${counts.pass} passed)`
}

/** A fleet report's hosts: "vm (bundle vm.json, saved …), b (snapshot b.json, collected …, redacted)". */
export function fleetHostsText(fleet: NonNullable<Report['fleet']>): string {
  return fleet.hosts.map((host) => `${host.name} (${host.kind} ${host.file}, ${host.savedAt ? `saved ${host.savedAt}` : `collected ${host.collectedAt}`}${host.redacted ? ', redacted' : ''})`).join(', ')
}

function headline(report: Report, view: CausalView, options: RenderOptions): string {
  const docker = report.host.docker ? `Docker ${report.host.docker.serverVersion}` : 'Docker not reachable'
  const what = report.fleet ? [`${report.tool.name} ${report.tool.version}`, `fleet of ${report.fleet.hosts.length} hosts: ${fleetHostsText(report.fleet)}`] : [`${report.tool.name} ${report.tool.version}`, report.host.hostname, `kernel ${report.host.kernel ?? '?'}`, docker]
  if (report.source.kind === 'replay' && !report.fleet) what.push(`replay of a snapshot taken ${report.source.collectedAt}`)
  const status = statusUnder(report.status, options.failOn)
  const policy = status === report.status ? '' : ` (${report.status.toUpperCase()} under the default policy; --fail-on ${options.failOn})`
  // The verdict first: the line a ticket, a mail subject or `head -1` keeps.
  return [`status: ${status.toUpperCase()}${policy}, ${countsText(report, view)}`, what.filter(Boolean).join(' · ')].join('\n')
}

/** Slices the probes aim from: without them a live run sends nothing. */
const PROBE_SLICES = new Set(['host', 'links', 'addresses', 'networks', 'containers'])

/** Why a report has no probes: a replay, --no-probe, or facts the probes needed that could not be collected. */
export function whyNoProbes(report: Report): string {
  if (report.source.kind === 'replay') return 'replayed snapshot'
  if (report.command.includes('--no-probe')) return '--no-probe'
  const missing = report.collectionErrors.filter((error) => PROBE_SLICES.has(error.slice)).map((error) => error.slice)
  if (missing.length > 0) return `nothing safe to aim at: ${missing.join(', ')} could not be collected`
  return 'not run'
}

/** Probes this run did not send, in words: "replayed from a bundle saved at … on …, sent at …, not by this run". */
export function replayedProbesText(report: Report): string | undefined {
  const replayed = report.source.replayedProbes
  return replayed && `replayed from a bundle saved at ${replayed.savedAt} on ${replayed.host ?? 'a host it does not name'}: sent at ${replayed.sentAt}, not by this run`
}

/** What was sent, from where, and what did not answer: a ticket reader must see that verdicts rest on real packets. */
function probeLines(report: Report, verbose: boolean): string[] {
  // A fleet sends nothing: it compares what each host's own run saved.
  if (report.fleet) return []
  const probes = report.probes
  if (!probes) return [`probes: none (${whyNoProbes(report)})`]
  const replayed = replayedProbesText(report)
  // A DHCP discovery that no server answered is news, not a failed packet; a probe that errored said nothing either way.
  const unanswered = probes.records.filter((record) => record.outcome === 'error' || (record.outcome === 'no-reply' && record.purpose !== 'dhcp-discover'))
  const errored = unanswered.filter((record) => record.outcome === 'error')
  const scratch = probes.records.find((record) => record.from.namespace === 'probe')
  const origins = [...new Set(probes.records.map((record) => record.from.namespace).filter((namespace) => namespace !== 'probe'))]
  const lines = [
    ...(replayed ? [`probes ${replayed}`] : []),
    `probes: ${probes.records.length} sent in ${(probes.durationMs / 1000).toFixed(1)} s from ${origins.join(', ') || 'nowhere'}${scratch ? ` and throw-away MAC ${scratch.from.mac} on ${scratch.parent}` : ''}; ${unanswered.length - errored.length} without reply${errored.length > 0 ? `, ${errored.length} failed to run` : ''}`,
  ]
  for (const record of verbose ? probes.records : unanswered) lines.push(`  ${describeProbe(record)}`)
  for (const skip of probes.skipped) lines.push(`  not probed: ${skip.reason}${skip.hint ? ` — ${skip.hint}` : ''}`)
  if (probes.removedStale) lines.push(`  removed, left by a killed run: ${probes.removedStale.join(', ')}`)
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

interface Row {
  check: CheckResult
  /** Shown under its root cause. */
  consequence: boolean
  /** The root's "also explains" line. */
  explains?: string
  /** Checks skipped for one same reason (Docker down skips most of them), shown as one row. */
  folded?: CheckResult[]
}

/** Without --verbose, this many skipped checks with the same reason become one row. */
const FOLD_SKIPS = 3

function foldSkips(rows: Row[]): Row[] {
  const byReason = new Map<string, Row[]>()
  for (const row of rows) if (row.check.outcome === 'skip' && !row.consequence) byReason.set(row.check.message, [...(byReason.get(row.check.message) ?? []), row])
  const folded = new Map([...byReason.values()].filter((group) => group.length >= FOLD_SKIPS).map((group) => [group[0] as Row, group]))
  const hidden = new Set([...folded.values()].flatMap((group) => group.slice(1)))
  return rows.filter((row) => !hidden.has(row)).map((row) => {
    const group = folded.get(row)
    return group ? {...row, folded: group.map((member) => member.check)} : row
  })
}

/** Root causes and unexplained checks, each root followed (with --verbose) by what it explains. */
function rowsOf(checks: CheckResult[], view: CausalView, verbose: boolean): Row[] {
  const roots = new Map(view.roots.map((root) => [root.check, root.consequences]))
  const rows = checks
    .filter((check) => !view.explained.has(check))
    .flatMap((check) => {
      const consequences = roots.get(check) ?? []
      const row: Row = {check, consequence: false, ...(consequences.length > 0 ? {explains: `also explains: ${consequenceList(consequences)}`} : {})}
      return [row, ...(verbose ? consequences.map((consequence) => ({check: consequence, consequence: true})) : [])]
    })
  return verbose ? rows : foldSkips(rows)
}

/** Columns sized to the terminal: the check id and subject are never cut, only the finding wraps. */
function terminalRows(rows: Row[], columns: number, color: boolean): string[] {
  const idText = (row: Row) => (row.folded ? `${row.folded.length} checks` : row.consequence ? `↳ ${row.check.id}` : row.check.id)
  const subjectOf = (row: Row) => (row.folded ? '-' : subjectCell(row.check))
  const findingOf = (row: Row) => (row.folded ? `${row.check.message} (${[...new Set(row.folded.map((check) => check.id))].join(', ')})` : row.check.message)
  const idWidth = Math.max(5, ...rows.map((row) => stringWidth(idText(row))))
  const subjectWidth = Math.max(7, ...rows.map((row) => stringWidth(subjectOf(row))))
  const fixed = GAP.length + LABEL_WIDTH + GAP.length + idWidth + GAP.length
  const subjectColumn = columns - fixed - subjectWidth - GAP.length >= MIN_FINDING_WIDTH
  const findingWidth = Math.max(10, columns - fixed - (subjectColumn ? subjectWidth + GAP.length : 0))
  const lines = [`${GAP}${pad('', LABEL_WIDTH)}${GAP}${pad('check', idWidth)}${GAP}${subjectColumn ? `${pad('subject', subjectWidth)}${GAP}` : ''}finding`]
  for (const row of rows) {
    const {check} = row
    const finding = [...wrap(subjectColumn ? findingOf(row) : `${subjectOf(row)}: ${findingOf(row)}`, findingWidth), ...(row.explains ? wrap(row.explains, findingWidth) : [])]
    for (let index = 0; index < finding.length; index++) {
      const label = index === 0 ? paint(pad(LABEL[check.outcome], LABEL_WIDTH), OUTCOME_COLOR[check.outcome], color) : pad('', LABEL_WIDTH)
      const subject = subjectColumn ? `${pad(index === 0 ? subjectOf(row) : '', subjectWidth)}${GAP}` : ''
      lines.push(`${GAP}${label}${GAP}${pad(index === 0 ? idText(row) : '', idWidth)}${GAP}${subject}${finding[index] ?? ''}`.trimEnd())
    }
  }
  return lines
}

/** The default report for a person at a terminal: grouped by network, root causes first with what they explain, each fix once. */
function terminalTable(report: Report, options: RenderOptions, columns: number): string {
  const view = causalView(report)
  const lines = [headline(report, view, options)]
  for (const [text, slices] of collectionFailures(report)) {
    lines.push(...fit(`! could not collect ${slices.join(', ')}: ${text}`, columns).map((line) => paint(line, 33, options.color)))
  }
  lines.push(...probeLines(report, options.verbose))
  const visible = report.checks.filter((check) => shown(check, options.verbose))
  const sorted = [...visible].sort((a, b) => OUTCOME_ORDER[a.outcome] - OUTCOME_ORDER[b.outcome])
  const printedFixes = new Set<string>()
  for (const [group, checks] of groupByNetwork(sorted)) {
    const rows = rowsOf(checks, view, options.verbose)
    if (rows.length === 0) continue
    lines.push('', group, ...terminalRows(rows, columns, options.color), ...fixLines(rows.filter((row) => !row.consequence).map((row) => row.check), printedFixes))
  }
  if (visible.length === 0) lines.push('', `All ${report.counts.pass} checks passed.`)
  const hidden = report.checks.length - visible.length
  if (hidden > 0 && !options.verbose) lines.push('', `${hidden} passing or not applicable checks hidden (--verbose shows them). macvlan explain <id> describes a check.`)
  return lines
    .join('\n')
    .split('\n')
    .flatMap((line) => fit(line, columns))
    .join('\n')
}

/** Tabs and line breaks would split a field of the plain list. */
const field = (text: string) => text.replaceAll('\t', ' ').replaceAll('\n', ' ')

/**
 * Not a terminal: one line per check, tab-separated, for grep, cut and awk: outcome, check id, code, network, container,
 * interface, finding, and the root causes that explain it. Before them, `#` lines give the status and what could not be
 * collected (`grep -v '^#'` leaves the checks alone).
 */
function plainList(report: Report, options: RenderOptions): string {
  const view = causalView(report)
  const rootsOf = new Map<CheckResult, string[]>()
  for (const root of view.roots) for (const consequence of root.consequences) rootsOf.set(consequence, [...(rootsOf.get(consequence) ?? []), refText(root.check)])
  const visible = report.checks.filter((check) => shown(check, options.verbose)).sort((a, b) => OUTCOME_ORDER[a.outcome] - OUTCOME_ORDER[b.outcome])
  const comments = [`# status: ${statusUnder(report.status, options.failOn).toUpperCase()}, ${countsText(report, view)}`, ...(report.fleet ? [`# hosts: ${fleetHostsText(report.fleet)}`] : []), ...[...collectionFailures(report)].map(([text, slices]) => `# could not collect ${slices.join(', ')}: ${text}`), ...(report.probes?.removedStale ? [`# removed, left by a killed run: ${report.probes.removedStale.join(', ')}`] : []), ...(replayedProbesText(report) ? [`# probes ${replayedProbesText(report)}`] : [])]
  const rows = visible.map((check) => {
    const {network, container, interface: iface} = check.subject
    const causes = rootsOf.get(check)
    return [LABEL[check.outcome], check.id, check.code, network ?? '-', container ?? '-', iface ?? '-', check.message, causes ? `caused by ${causes.join(', ')}` : '-'].map(field).join('\t')
  })
  return [...comments.map(field), ...rows].join('\n')
}

/** The width the table is fitted to: COLUMNS when set, else the terminal's; undefined when `stream` is not a terminal. */
export function terminalColumns(stream: {isTTY?: boolean; columns?: number}, env: NodeJS.ProcessEnv = process.env): number | undefined {
  if (!stream.isTTY) return undefined
  const fromEnv = Number.parseInt(env.COLUMNS ?? '', 10)
  return fromEnv > 0 ? fromEnv : stream.columns || 80
}

/** A terminal gets the grouped table fitted to its width; anything else (a pipe, a file) the plain tab-separated list. */
export function renderTable(report: Report, options: RenderOptions): string {
  return options.columns === undefined ? plainList(report, options) : terminalTable(report, options, options.columns)
}
