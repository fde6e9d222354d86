import type {FailOn} from '../engine/status.js'

export interface RenderOptions {
  /** ANSI colours (a terminal without NO_COLOR). */
  color: boolean
  /** Show passing and not-applicable checks too. */
  verbose: boolean
  /** The terminal's width for the table; undefined when stdout is not a terminal (the table is then a plain list). */
  columns?: number
  /** --fail-on: with `fail`, warnings make the status word (and the exit code) ok. */
  failOn?: FailOn
  /** Where the rule pages live, for absolute links in Markdown. */
  docsBase?: string
}
