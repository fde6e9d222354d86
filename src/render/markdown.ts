/** A GitHub-flavoured ticket body that stands on its own: context, verdict, each problem with evidence and fix, topology, probes, details. */
import type {Report} from '../engine/report.js'
import type {TopologyNetwork} from '../engine/topology.js'
import type {CheckResult} from '../engine/types.js'
import {describe} from '../probe/describe.js'

const ICON: Record<CheckResult['outcome'], string> = {fail: '❌', warn: '⚠️', error: '💥', skip: '⏭️', pass: '✅'}

/** Table cells: pipes and newlines would break the row. */
const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ')
const code = (text: string) => `\`${text.replaceAll('`', "'")}\``

/** A fenced block that no line of its content can close: the fence is longer than any run of backticks inside. */
export function fence(info: string, lines: string[]): string[] {
  const longest = Math.max(2, ...lines.flatMap((line) => (line.match(/`+/g) ?? []).map((run) => run.length)))
  const marker = '`'.repeat(longest + 1)
  return [`${marker}${info}`, ...lines, marker]
}

function subjectText(check: CheckResult): string {
  const {network, container, interface: iface} = check.subject
  return [network && `network ${code(network)}`, container && `container ${code(container)}`, iface && `interface ${code(iface)}`].filter(Boolean).join(', ') || 'host'
}

/** A fact as collected; JSON.stringify gives no text for undefined (a fact the host did not have). */
function factText(value: unknown): string {
  if (typeof value === 'string') return value
  return value === undefined ? 'not known' : code(JSON.stringify(value))
}

function factLines(facts: Record<string, unknown>): string[] {
  return Object.entries(facts).map(([key, value]) => `- ${key}: ${factText(value)}`)
}

function problem(check: CheckResult): string[] {
  const lines = [`### ${ICON[check.outcome]} ${check.title}: ${check.id} (${check.code})`, '', `${subjectText(check)}. ${check.message}`, '']
  if (check.evidence) {
    lines.push('<details><summary>Evidence</summary>', '', ...factLines(check.evidence.facts), '', 'See it yourself:', '', ...fence('sh', check.evidence.commands), '', '</details>', '')
  }
  if (check.fix) {
    lines.push(`**Fix:** ${check.fix.summary}`, '')
    if (check.fix.commands.length > 0) lines.push(...fence('sh', check.fix.commands), '')
  }
  lines.push(`More: \`macvlan explain ${check.id}\` (${check.docs})`, '')
  return lines
}

/** Mermaid node ids must be plain words; labels go in quotes, with quotes and backticks (Mermaid's Markdown strings) as entities. */
function label(text: string): string {
  return `"${text.replaceAll('"', '#quot;').replaceAll('`', '#96;').replaceAll('\n', '<br/>')}"`
}

/** Parent → networks → shims and containers, gateway; failing checks paint their node red and warnings amber. */
export function mermaidTopology(report: Report): string[] {
  const lines = ['flowchart LR', `  host[${label(`host ${report.host.hostname ?? ''}`.trim())}]`]
  const marks = new Map<string, 'bad' | 'warn'>()
  const mark = (id: string, outcome: CheckResult['outcome']) => {
    if (outcome === 'fail' || outcome === 'error') marks.set(id, 'bad')
    else if (outcome === 'warn' && marks.get(id) !== 'bad') marks.set(id, 'warn')
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
    network.containers.forEach((container, c) => {
      const id = `c${n}_${c}`
      lines.push(`  ${id}[${label(`${container.name}\n${container.address ?? container.status}`)}]`, `  ${netId} --- ${id}`)
      for (const check of report.checks.filter((candidate) => candidate.subject.container === container.name && candidate.subject.network === network.name)) mark(id, check.outcome)
    })
    for (const check of report.checks.filter((candidate) => candidate.subject.network === network.name && !candidate.subject.container)) mark(netId, check.outcome)
  })
  lines.push('  classDef bad fill:#fdd,stroke:#c00', '  classDef warn fill:#ffe9b3,stroke:#c80')
  for (const kind of ['bad', 'warn'] as const) {
    const ids = [...marks].filter(([, value]) => value === kind).map(([id]) => id)
    if (ids.length > 0) lines.push(`  class ${ids.join(',')} ${kind}`)
  }
  return lines
}

export function renderMarkdown(report: Report): string {
  const problems = report.checks.filter((check) => check.outcome === 'fail' || check.outcome === 'warn' || check.outcome === 'error')
  const {counts} = report
  const docker = report.host.docker
  const lines = [
    `# macvlan doctor: ${report.status.toUpperCase()} on ${code(report.host.hostname ?? 'unknown host')}`,
    '',
    `**${counts.fail} failed, ${counts.warn} warnings, ${counts.error} errors** · ${counts.pass} passed · ${counts.skip} skipped`,
    '',
    '| | |',
    '| --- | --- |',
    `| Command | ${code(report.command.join(' '))} |`,
    `| Tool | ${report.tool.name} ${report.tool.version} |`,
    `| Generated | ${report.generatedAt}${report.source.kind === 'replay' ? ` (replay of a snapshot taken ${report.source.collectedAt} by ${report.source.snapshotTool})` : ''} |`,
    `| Host | ${cell([report.host.os, report.host.kernel && `kernel ${report.host.kernel}`, report.host.virtualization && `virtualization ${report.host.virtualization}`].filter(Boolean).join(' · ') || 'unknown')} |`,
    `| Docker | ${docker ? cell(`${docker.serverVersion} (API ${docker.apiVersion})${docker.rootless ? ', rootless' : ''}${docker.desktop ? ', Docker Desktop' : ''}`) : 'not reachable'} |`,
    `| Redacted | ${report.redacted ? 'yes: names, IDs, addresses and MACs are pseudonyms' : 'no'} |`,
    ...(report.ignored.length > 0 ? [`| Ignored checks | ${report.ignored.join(', ')} |`] : []),
    '',
  ]
  if (report.collectionErrors.length > 0) {
    lines.push('## Could not collect', '', ...report.collectionErrors.map((error) => `- ${error.slice}: ${error.message}${error.hint ? ` (${error.hint})` : ''}`), '')
  }
  lines.push('## Problems', '')
  if (problems.length === 0) lines.push('None found.', '')
  for (const check of problems) lines.push(...problem(check))
  if (report.topology.length > 0) lines.push('## Topology', '', ...fence('mermaid', mermaidTopology(report)), '')
  lines.push('## Probes', '')
  if (!report.probes) lines.push(report.source.kind === 'replay' ? 'None: this report was replayed from a snapshot.' : 'None: run without probes.', '')
  else {
    lines.push(`${report.probes.records.length} sent (host ICMP by ${report.probes.icmpEngine}), each waiting ${report.probes.timeoutMs} ms.`, '', '| purpose | from | to | result |', '| --- | --- | --- | --- |')
    for (const record of report.probes.records) lines.push(`| ${record.purpose} | ${cell(`${record.from.namespace}${record.from.interface ? ` ${record.from.interface}` : ''}${record.from.mac ? ` ${record.from.mac}` : ''}`)} | ${cell(record.target)} | ${cell(describe(record))} |`)
    lines.push('', ...report.probes.skipped.map((skip) => `- not probed: ${skip.reason}${skip.hint ? ` (${skip.hint})` : ''}`), '')
  }
  lines.push('<details><summary>All checks</summary>', '', '| outcome | check | subject | finding |', '| --- | --- | --- | --- |')
  for (const check of report.checks) lines.push(`| ${ICON[check.outcome]} ${check.outcome} | ${check.id} | ${cell(subjectText(check))} | ${cell(check.message)} |`)
  lines.push('', '</details>', '')
  return lines.join('\n')
}
