import {printable} from './render/printable.js'

/** A one-line phase indicator on a terminal's stderr, nothing otherwise: stdout stays clean for pipes and cron. */
export function progressLine(command: string, enabled: boolean): {onPhase?: (phase: string) => void; clear: () => void} {
  if (!enabled || !process.stderr.isTTY) return {clear: () => undefined}
  return {onPhase: (phase) => process.stderr.write(`\r\u001B[K${printable(`${command}: ${phase}`)}…`), clear: () => process.stderr.write('\r\u001B[K')}
}
