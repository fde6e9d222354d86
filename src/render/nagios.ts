/** One Monitoring Plugins line: `MACVLAN <STATUS> - summary | perfdata`. */
import type {Report} from '../engine/report.js'
import {statusUnder} from '../engine/status.js'
import {causalView, problemsText} from './causes.js'
import type {RenderOptions} from './options.js'
import {replayedProbesText} from './table.js'

const WORD = {ok: 'OK', warn: 'WARNING', fail: 'CRITICAL', unknown: 'UNKNOWN'} as const

export function renderNagios(report: Report, options: Pick<RenderOptions, 'failOn'> = {}): string {
  const view = causalView(report)
  const {roots} = view
  const {counts} = report
  const checks = `(${counts.fail} failed, ${counts.warn} warnings)`
  const notRun = report.checks.filter((check) => check.outcome === 'error' || (check.outcome === 'skip' && check.skipKind !== 'not-applicable')).length
  const summary =
    report.status === 'unknown'
      ? `could not diagnose: ${report.collectionErrors[0]?.message ?? `${notRun} checks could not run`}`
      : roots.length === 0
        ? `${counts.pass} checks passed`
        : `${problemsText(view)} ${checks}`
  const replayed = replayedProbesText(report)
  // The same labels on every run, whatever the flags: a graph must not lose a series because probes were off (U: undetermined).
  const perf = [
    `problems=${roots.length};;;0`,
    `failed=${counts.fail};;;0`,
    `warnings=${counts.warn};;;0`,
    `errors=${counts.error};;;0`,
    `passed=${counts.pass};;;0`,
    `skipped=${counts.skip};;;0`,
    `probe_time=${report.probes && !replayed ? `${(report.probes.durationMs / 1000).toFixed(3)}s` : 'U'};;;0`,
  ]
  return `MACVLAN ${report.fleet ? 'FLEET ' : ''}${WORD[statusUnder(report.status, options.failOn)]} - ${`${summary}${replayed ? `; probes ${replayed}` : ''}`.replaceAll('|', '/')} | ${perf.join(' ')}
`
}
