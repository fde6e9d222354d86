/** node_exporter textfile collector format. Labels are low-cardinality only: check ids, network names, probe purposes; never addresses or MACs. */
import type {Report} from '../engine/report.js'
import type {CheckResult} from '../engine/types.js'
import {causalView} from './causes.js'

/** 3 is "could not run" (skipped for missing data, or crashed); a check that does not apply to this host has no series. */
const VALUE: Record<CheckResult['outcome'], number> = {pass: 0, warn: 1, fail: 2, skip: 3, error: 3}
const STATUS = {ok: 0, warn: 1, fail: 2, unknown: 3} as const

const escape = (value: string) => value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')
const labels = (pairs: Record<string, string>) => `{${Object.entries(pairs).map(([key, value]) => `${key}="${escape(value)}"`).join(',')}}`

function metric(name: string, help: string, samples: Array<[Record<string, string>, number]>): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, ...samples.map(([pairs, value]) => `${name}${Object.keys(pairs).length > 0 ? labels(pairs) : ''} ${value}`)]
}

const applies = (check: CheckResult) => !(check.outcome === 'skip' && check.skipKind === 'not-applicable')

export function renderPrometheus(report: Report): string {
  // A fleet's series must not collide with the doctor's of the host it runs on, in the same textfile directory.
  const prefix = report.fleet ? 'macvlan_fleet' : 'macvlan_doctor'
  const worst = new Map<string, {check: string; network: string; value: number}>()
  for (const check of report.checks.filter(applies)) {
    const network = check.subject.network ?? ''
    const key = `${check.id}\u0000${network}`
    const value = VALUE[check.outcome]
    const previous = worst.get(key)
    if (!previous || (value !== 3 && (previous.value === 3 || value > previous.value))) worst.set(key, {check: check.id, network, value})
  }
  const probeGroups = new Map<string, {network: string; purpose: string; failed: number; rtt?: number}>()
  for (const record of report.probes?.records ?? []) {
    const key = `${record.network ?? ''}\u0000${record.purpose}`
    const group = probeGroups.get(key) ?? {network: record.network ?? '', purpose: record.purpose, failed: 0}
    if (record.outcome !== 'reply' && record.purpose !== 'dhcp-discover') group.failed++
    if (record.outcome === 'reply' && record.rttMs !== undefined) group.rtt = Math.max(group.rtt ?? 0, record.rttMs / 1000)
    probeGroups.set(key, group)
  }
  const lines = [
    ...metric(`${prefix}_status`, 'Overall result: 0 ok, 1 warn, 2 fail, 3 unknown.', [[{}, STATUS[report.status]]]),
    ...metric(`${prefix}_problems`, 'Root causes: failing or warning checks that no other check of this report explains.', [[{}, causalView(report).roots.length]]),
    ...metric(
      `${prefix}_check_status`,
      'Worst outcome of a check per network: 0 pass, 1 warn, 2 fail, 3 could not run (skipped for missing data, or crashed). A check that does not apply to this host has no series.',
      [...worst.values()].map(({check, network, value}) => [{check, network}, value]),
    ),
    ...metric(`${prefix}_checks`, 'Number of check results per outcome.', (['pass', 'warn', 'fail', 'skip', 'error'] as const).map((outcome) => [{outcome}, report.counts[outcome]])),
  ]
  if (report.probes) {
    const groups = [...probeGroups.values()]
    lines.push(
      ...metric(`${prefix}_probe_failures`, 'Probes without an answer, per network and purpose.', groups.map((group) => [{network: group.network, purpose: group.purpose}, group.failed])),
      ...metric(
        `${prefix}_probe_rtt_max_seconds`,
        'Slowest answered probe, per network and purpose; no series where nothing answered.',
        groups.flatMap((group) => (group.rtt === undefined ? [] : [[{network: group.network, purpose: group.purpose}, group.rtt] as [Record<string, string>, number]])),
      ),
      ...metric(`${prefix}_probe_duration_seconds`, 'How long the probe phase took.', [[{}, report.probes.durationMs / 1000]]),
      ...metric(`${prefix}_probes_sent_timestamp_seconds`, 'When the probes were sent.', [[{}, Date.parse(report.probes.startedAt) / 1000]]),
      ...metric(`${prefix}_probes_replayed`, '1 when the probes were replayed from a saved bundle (doctor --from), not sent by this run; else 0.', [[{}, report.source.replayedProbes ? 1 : 0]]),
    )
  }
  lines.push(
    ...metric(`${prefix}_last_run_timestamp_seconds`, 'When this report was generated.', [[{}, Date.parse(report.generatedAt) / 1000]]),
    ...metric(`${prefix}_build_info`, 'The macvlan-doctor version that wrote this.', [[{version: report.tool.version}, 1]]),
  )
  return `${lines.join('\n')}\n`
}
