/** One Monitoring Plugins line: `MACVLAN <STATUS> - summary | perfdata`. */
import type {Report} from '../engine/report.js'

const WORD = {ok: 'OK', warn: 'WARNING', fail: 'CRITICAL', unknown: 'UNKNOWN'} as const

export function renderNagios(report: Report): string {
  const problems = report.checks.filter((check) => check.outcome === 'fail' || check.outcome === 'warn')
  const named = problems.map((check) => `${check.id}${check.subject.network ? ` (${check.subject.network})` : check.subject.interface ? ` (${check.subject.interface})` : ''}`)
  const unique = [...new Set(named)]
  const summary =
    report.status === 'unknown' && report.collectionErrors[0]
      ? `could not diagnose: ${report.collectionErrors[0].message}`
      : problems.length === 0
        ? `${report.counts.pass} checks passed`
        : `${report.counts.fail} failed, ${report.counts.warn} warnings: ${unique.slice(0, 5).join(', ')}${unique.length > 5 ? ', …' : ''}`
  const perf = [`failed=${report.counts.fail};;;0`, `warnings=${report.counts.warn};;;0`, `passed=${report.counts.pass};;;0`, `skipped=${report.counts.skip};;;0`]
  if (report.probes) perf.push(`probe_time=${(report.probes.durationMs / 1000).toFixed(3)}s;;;0`)
  return `MACVLAN ${WORD[report.status]} - ${summary.replaceAll('|', '/')} | ${perf.join(' ')}\n`
}
