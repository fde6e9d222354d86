import type {Report} from '../engine/report.js'
import {renderMarkdown} from './markdown.js'
import {renderNagios} from './nagios.js'
import {printableData} from './printable.js'
import {renderPrometheus} from './prometheus.js'
import {renderTable, type TableOptions} from './table.js'

export const FORMATS = ['table', 'json', 'markdown', 'prometheus', 'nagios'] as const

export type Format = (typeof FORMATS)[number]

/** Every format comes from the same report object; all but JSON (which escapes for itself) see it with every control character escaped. */
export function render(report: Report, format: Format, options: TableOptions): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`
  return renderReadable(printableData(report), format, options)
}

function renderReadable(report: Report, format: Exclude<Format, 'json'>, options: TableOptions): string {
  switch (format) {
    case 'markdown':
      return renderMarkdown(report)
    case 'prometheus':
      return renderPrometheus(report)
    case 'nagios':
      return renderNagios(report)
    case 'table':
      return `${renderTable(report, options)}\n`
  }
}
