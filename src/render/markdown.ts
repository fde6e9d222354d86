/**
 * A GitHub-flavoured ticket body that stands on its own: context, verdict, each problem (root causes, with what they
 * explain) with evidence and fix, topology, probes, a summary of what passed. Bounded, so it fits in an issue.
 */
import type {Report} from '../engine/report.js'
import type {TopologyNetwork} from '../engine/topology.js'
import type {CheckResult} from '../engine/types.js'
import {describeProbe} from '../probe/describe.js'
import {causalView, consequenceList, problemsText, type CausalView, type RootCause} from './causes.js'
import type {RenderOptions} from './options.js'
import {subjectText} from './subject.js'
import {replayedProbesText, whyNoProbes} from './table.js'

const ICON: Record<CheckResult['outcome'], string> = {fail: '❌', warn: '⚠️', error: '💥', skip: '⏭️', pass: '✅'}

/** Where `docs/rules/<id>.md` is read in a ticket; `docsBase` (MACVLAN_DOCTOR_DOCS_URL) points elsewhere, e.g. a fork or a release tag. */
export const DOCS_BASE_URL = 'https://github.com/macvlan-doctor/macvlan-doctor/blob/main'

/** GitHub refuses an issue body above 65,536 characters; this leaves room for the reporter's own words. */
export const MARKDOWN_LIMIT_BYTES = 60_000

/** A network's containers drawn one by one up to this many; beyond it only those with a problem are, the rest counted. */
const DIAGRAM_CONTAINERS = 30

const bytes = (text: string) => Buffer.byteLength(text, 'utf8')

/** Text from the host in prose: Markdown and HTML punctuation is shown, never interpreted. */
const inline = (text: string) => text.replaceAll(/[\\`*_{}[\]<>#|~]/g, (character) => `\\${character}`)
/** Table cells: the same, on one line. */
const cell = (text: string) => inline(text).replaceAll('\n', ' ')
const code = (text: string) => `\`${text.replaceAll('`', "'")}\``

/** A fenced block that no line of its content can close: the fence is longer than any run of backticks inside. */
export function fence(info: string, lines: string[]): string[] {
  const longest = Math.max(2, ...lines.flatMap((line) => (line.match(/`+/g) ?? []).map((run) => run.length)))
  const marker = '`'.repeat(longest + 1)
  return [`${marker}${info}`, ...lines, marker]
}

const natural = new Intl.Collator('en', {numeric: true})

const subjectOf = (check: CheckResult) => subjectText(check.subject, {name: code})

/** What went wrong in a few words, for a heading: the message up to its first clause. */
function statement(message: string): string {
  const clause = message.split(/(?<=[^\s]): |\. /)[0] ?? message
  return clause.length > 120 ? `${clause.slice(0, 119)}…` : clause.replace(/\.$/, '')
}

/** A fact as collected; JSON.stringify gives no text for undefined (a fact the host did not have). */
function factText(value: unknown): string {
  if (typeof value === 'string') return inline(value)
  return value === undefined ? 'not known' : code(JSON.stringify(value))
}

function factLines(facts: Record<string, unknown>): string[] {
  return Object.entries(facts).map(([key, value]) => `- ${inline(key)}: ${factText(value)}`)
}

function docsLink(check: CheckResult, base: string): string {
  return `More: [\`macvlan explain ${check.id}\`](${base.replace(/\/$/, '')}/${encodeURI(check.docs)})`
}

/** A problem in full: heading that states it, subject and message, what it explains, evidence, fix, docs. */
function problem(root: RootCause, base: string): string[] {
  const {check, consequences} = root
  const lines = [`### ${ICON[check.outcome]} ${check.id}: ${inline(statement(check.message))}`, '', `${subjectOf(check)}. ${inline(check.message)} (${check.code})`, '']
  if (consequences.length > 0) {
    lines.push(`**Also explains** ${consequenceList(consequences)}, which ${consequences.length === 1 ? 'needs no fix of its own' : 'need no fix of their own'}:`, '', ...consequences.map((consequence) => `- ${ICON[consequence.outcome]} ${consequence.id}, ${subjectOf(consequence)}: ${inline(consequence.message)}`), '')
  }
  if (check.evidence) {
    lines.push('<details><summary>Evidence</summary>', '', ...factLines(check.evidence.facts), '', 'See it yourself:', '', ...fence('sh', check.evidence.commands), '', '</details>', '')
  }
  if (check.fix) {
    lines.push(`**Fix:** ${inline(check.fix.summary)}`, '')
    if (check.fix.commands.length > 0) lines.push(...fence('sh', check.fix.commands), '')
  }
  lines.push(docsLink(check, base), '')
  return lines
}

/** A problem in two lines, when the full ones would not fit: it is still named, with its finding. */
function compactProblem(root: RootCause): string[] {
  const {check, consequences} = root
  return [`### ${ICON[check.outcome]} ${check.id}: ${inline(statement(check.message))}`, '', `${subjectOf(check)}. ${inline(check.message)}${consequences.length > 0 ? ` Also explains ${consequenceList(consequences)}.` : ''}`, '']
}

/** Mermaid node ids must be plain words; labels go in quotes, with quotes and backticks (Mermaid's Markdown strings) as entities. */
function label(text: string): string {
  return `"${text.replaceAll('"', '#quot;').replaceAll('`', '#96;').replaceAll('\n', '<br/>')}"`
}

/** Parent → networks → shims and containers, gateway; failing checks paint their node red and warnings amber. */
export function mermaidTopology(report: Report): string[] {
  const lines = ['flowchart LR', `  host[${label(`host ${report.host.hostname ?? ''}`.trim())}]`]
  const marks = new Map<string, 'bad' | 'warn'>()
  const markOf = (outcome: CheckResult['outcome']) => (outcome === 'fail' || outcome === 'error' ? 'bad' : outcome === 'warn' ? 'warn' : undefined)
  const mark = (id: string, outcome: CheckResult['outcome']) => {
    const kind = markOf(outcome)
    if (kind === 'bad' || (kind === 'warn' && marks.get(id) !== 'bad')) marks.set(id, kind)
  }
  const parents = new Map<string, string>()
  report.topology.forEach((network: TopologyNetwork, n) => {
    const netId = `net${n}`
    lines.push(`  ${netId}[${label(`${network.driver} ${network.name}\n${network.subnet ?? ''} (${network.mode})`)}]`)
    if (network.parent) {
      let parentId = parents.get(network.parent)
      if (!parentId) {
        parentId = `parent${parents.size}`
        parents.set(network.parent, parentId)
        lines.push(`  ${parentId}[${label(`${network.parent} (parent${network.parentUp === false ? ', down' : ''})`)}]`, `  host --- ${parentId}`)
        if (network.parentUp === false) marks.set(parentId, 'bad')
      }
      lines.push(`  ${parentId} --- ${netId}`)
    }
    if (network.gateway) lines.push(`  gw${n}((${label(`gateway ${network.gateway}`)}))`, `  ${netId} --- gw${n}`)
    network.shims.forEach((shim, s) => lines.push(`  shim${n}_${s}[${label(`shim ${shim.name} ${shim.address ?? ''}`.trim())}]`, `  host -.- shim${n}_${s}`, `  shim${n}_${s} --- ${netId}`))
    const checksOf = (name: string) => report.checks.filter((check) => check.subject.container === name && check.subject.network === network.name)
    const containers = [...network.containers].sort((a, b) => natural.compare(a.name, b.name))
    const drawn = containers.length <= DIAGRAM_CONTAINERS ? containers : containers.filter((container) => checksOf(container.name).some((check) => markOf(check.outcome)))
    drawn.forEach((container, c) => {
      const id = `c${n}_${c}`
      lines.push(`  ${id}[${label(`${container.name}\n${container.address ?? container.status}`)}]`, `  ${netId} --- ${id}`)
      for (const check of checksOf(container.name)) mark(id, check.outcome)
    })
    if (drawn.length < containers.length) lines.push(`  more${n}[${label(`${containers.length - drawn.length} more containers, no problem found`)}]`, `  ${netId} --- more${n}`)
    for (const check of report.checks.filter((candidate) => candidate.subject.network === network.name && !candidate.subject.container)) mark(netId, check.outcome)
  })
  lines.push('  classDef bad fill:#fdd,stroke:#c00', '  classDef warn fill:#ffe9b3,stroke:#c80')
  for (const kind of ['bad', 'warn'] as const) {
    const ids = [...marks].filter(([, value]) => value === kind).map(([id]) => id)
    if (ids.length > 0) lines.push(`  class ${ids.join(',')} ${kind}`)
  }
  return lines
}

/** A fleet report's rows: one per host, with the file it came from. */
function fleetRows(fleet: NonNullable<Report['fleet']>): string[] {
  return fleet.hosts.map((host) => `| Host ${code(host.name)} | ${cell(`${host.kind} ${host.file}, ${host.savedAt ? `saved ${host.savedAt}` : `collected ${host.collectedAt}`} by ${host.tool}${host.docker ? `, Docker ${host.docker}` : ''}${host.redacted ? ', redacted' : ''}`)} |`)
}

function header(report: Report, view: CausalView): string[] {
  const {counts} = report
  const problems = view.roots.length
  const docker = report.host.docker
  const verdict = problems === 0 ? '' : `, ${inline(problemsText(view))}`
  const title = report.fleet ? `# macvlan fleet: ${report.status.toUpperCase()} on ${report.fleet.hosts.length} hosts (${report.fleet.hosts.map((host) => code(host.name)).join(', ')})${verdict}` : `# macvlan doctor: ${report.status.toUpperCase()} on ${code(report.host.hostname ?? 'unknown host')}${verdict}`
  const common = [
    title,
    '',
    `**${problems} ${problems === 1 ? 'problem' : 'problems'}** · ${counts.fail} failed, ${counts.warn} warnings, ${counts.error} errors · ${counts.pass} passed · ${counts.skip} skipped`,
    '',
    '| | |',
    '| --- | --- |',
    `| Command | ${code(report.command.join(' '))} |`,
    `| Tool | ${cell(`${report.tool.name} ${report.tool.version}`)} |`,
  ]
  if (report.fleet) return [...common, `| Generated | ${cell(report.generatedAt)} |`, ...fleetRows(report.fleet), '']
  return [
    ...common,
    `| Generated | ${cell(report.generatedAt)}${report.source.kind === 'replay' ? cell(` (replay of a snapshot taken ${report.source.collectedAt} by ${report.source.snapshotTool})`) : ''} |`,
    `| Host | ${cell([report.host.os, report.host.kernel && `kernel ${report.host.kernel}`, report.host.virtualization && `virtualization ${report.host.virtualization}`].filter(Boolean).join(' · ') || 'unknown')} |`,
    `| Docker | ${docker ? cell(`${docker.serverVersion} (API ${docker.apiVersion})${docker.rootless ? ', rootless' : ''}${docker.desktop ? ', Docker Desktop' : ''}`) : 'not reachable'} |`,
    `| Redacted | ${report.redacted ? 'yes: names, IDs, addresses and MACs are pseudonyms' : 'no'} |`,
    ...(report.ignored.length > 0 ? [`| Ignored checks | ${cell(report.ignored.join(', '))} |`] : []),
    '',
  ]
}

/** Per purpose what was sent and what answered; then each probe that got no answer. */
function probeSummary(report: Report): {lines: string[]; unanswered: string[]} {
  const probes = report.probes
  if (!probes) return {lines: [`None (${whyNoProbes(report)}).`, ''], unanswered: []}
  const replayed = replayedProbesText(report)
  const byPurpose = new Map<string, {sent: number; answered: number; silent: number; errors: number}>()
  for (const record of probes.records) {
    const entry = byPurpose.get(record.purpose) ?? {sent: 0, answered: 0, silent: 0, errors: 0}
    entry.sent++
    if (record.outcome === 'reply') entry.answered++
    else if (record.outcome === 'error') entry.errors++
    else entry.silent++
    byPurpose.set(record.purpose, entry)
  }
  const lines = [
    ...(replayed ? [`**${inline(`R${replayed.slice(1)}`)}.**`, ''] : []),
    `${probes.records.length} sent (host ICMP by ${probes.icmpEngine}${probes.icmpFallback ? `: ${inline(probes.icmpFallback)}` : ''}), each waiting ${probes.timeoutMs} ms.`,
    '',
    '| purpose | sent | answered | no answer | probe error |',
    '| --- | --- | --- | --- | --- |',
    ...[...byPurpose].map(([purpose, entry]) => `| ${cell(purpose)} | ${entry.sent} | ${entry.answered} | ${entry.silent} | ${entry.errors} |`),
    '',
    ...probes.skipped.map((skip) => `- not probed: ${inline(skip.reason)}${skip.hint ? ` (${inline(skip.hint)})` : ''}`),
    ...(probes.skipped.length > 0 ? [''] : []),
  ]
  const unanswered = probes.records.filter((record) => record.outcome !== 'reply').map((record) => `- ${cell(record.purpose)}: ${cell(describeProbe(record))}`)
  return {lines, unanswered}
}

/** Checks without a problem, one row per check and outcome rather than one per container. */
function passingSummary(checks: CheckResult[]): string[] {
  const groups = new Map<string, CheckResult[]>()
  for (const check of checks) groups.set(`${check.id} ${check.outcome}`, [...(groups.get(`${check.id} ${check.outcome}`) ?? []), check])
  return [...groups.values()].map((group) => {
    const [first] = group as [CheckResult]
    const finding = group.length === 1 ? first.message : `${group.length} subjects, e.g. ${first.message}`
    return `| ${ICON[first.outcome]} ${first.outcome} | ${first.id} | ${cell(finding)} |`
  })
}

/** Containers with no failing, warning or crashed check: one line each. */
function healthyContainers(report: Report): string[] {
  const troubled = new Set(report.checks.filter((check) => check.outcome !== 'pass' && check.outcome !== 'skip' && check.subject.container).map((check) => `${check.subject.network} ${check.subject.container}`))
  return report.topology.flatMap((network) =>
    [...network.containers]
      .sort((a, b) => natural.compare(a.name, b.name))
      .filter((container) => !troubled.has(`${network.name} ${container.name}`))
      .map((container) => `- ${code(container.name)} ${cell(container.address ?? '')} on ${code(network.name)} (${cell(container.status)})`),
  )
}

/** Lines added while the report stays under its bound; what does not fit is counted. */
class Bounded {
  readonly lines: string[] = []
  readonly left: string[] = []
  private size = 0
  constructor(private limit: number) {}
  /** Whether `lines` fit with `reserve` bytes kept free for what must follow. */
  fits(lines: string[], reserve = 0): boolean {
    return this.size + bytes(lines.join('\n')) + 1 + reserve <= this.limit
  }
  /** Adds `lines` whatever the bound: for what the report must hold. */
  force(lines: string[]): void {
    this.lines.push(...lines)
    this.size += bytes(lines.join('\n')) + 1
  }
  /** Adds all of `lines` if they fit; returns whether they did. */
  add(lines: string[]): boolean {
    if (!this.fits(lines)) return false
    this.force(lines)
    return true
  }
  /** A folded list: as many items as fit (keeping room for the closing lines), the rest counted under `what`. */
  addList(summary: string, items: string[], what: string): void {
    if (items.length === 0) return
    const closing = ['', '</details>', '']
    const reserve = bytes(closing.join('\n')) + 200
    if (!this.add([`<details><summary>${summary}</summary>`, ''])) {
      this.left.push(`${items.length} ${what}`)
      return
    }
    this.limit -= reserve
    let shown = 0
    for (const item of items) {
      if (!this.add([item])) break
      shown++
    }
    this.limit += reserve
    this.add(closing)
    if (shown < items.length) this.left.push(`${items.length - shown} ${what}`)
  }
}

export function renderMarkdown(report: Report, options: Pick<RenderOptions, 'docsBase'> = {}): string {
  const base = options.docsBase ?? DOCS_BASE_URL
  const view = causalView(report)
  const crashed = report.checks.filter((check) => check.outcome === 'error').map((check): RootCause => ({check, consequences: []}))
  const problems = [...view.roots, ...crashed]
  // Every problem is named whatever the size: the bound is met by dropping detail, then sections, never a failure.
  const out = new Bounded(MARKDOWN_LIMIT_BYTES - 300)
  out.add(header(report, view))
  if (report.collectionErrors.length > 0) {
    out.add(['## Could not collect', '', ...report.collectionErrors.map((error) => `- ${error.slice}: ${inline(error.message)}${error.hint ? ` (${inline(error.hint)})` : ''}`), ''])
  }
  out.add(['## Problems', ''])
  if (problems.length === 0) out.add(['None found.', ''])
  const compactSize = problems.reduce((total, root) => total + bytes(compactProblem(root).join('\n')) + 1, 0)
  let reserved = compactSize
  for (const root of problems) {
    const compact = compactProblem(root)
    reserved -= bytes(compact.join('\n')) + 1
    if (!out.fits(problem(root, base), reserved)) out.force(compact)
    else out.add(problem(root, base))
  }
  if (report.topology.length > 0 && !out.add(['## Topology', '', ...fence('mermaid', mermaidTopology(report)), ''])) out.left.push('the topology diagram')
  // A fleet sends nothing: it compares what each host's own run saved.
  if (!report.fleet) {
    const probes = probeSummary(report)
    out.add(['## Probes', '', ...probes.lines])
    out.addList(`Probes without an answer (${probes.unanswered.length})`, probes.unanswered, 'probes without an answer')
  }
  const others = report.checks.filter((check) => check.outcome === 'pass' || check.outcome === 'skip')
  if (others.length > 0) {
    const rows = passingSummary(others)
    out.addList(`Checks without a problem (${report.counts.pass} passed, ${report.counts.skip} skipped)`, ['| outcome | check | finding |', '| --- | --- | --- |', ...rows], 'summary rows of checks without a problem')
  }
  const healthy = healthyContainers(report)
  out.addList(`Containers with no problem found (${healthy.length})`, healthy, 'containers with no problem found')
  if (out.left.length > 0) out.force([`Not shown, to keep this report under ${MARKDOWN_LIMIT_BYTES / 1000} KB: ${out.left.join(', ')}. The JSON report (\`macvlan ${report.fleet ? 'fleet' : 'doctor'} --json\`) has everything: attach it.`, ''])
  return out.lines.join('\n')
}
