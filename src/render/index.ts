import type {Report} from '../engine/report.js'
import {renderMarkdown} from './markdown.js'
import {renderNagios} from './nagios.js'
import {renderPrometheus} from './prometheus.js'
import {renderTable, type TableOptions} from './table.js'

export const FORMATS = ['table', 'json', 'markdown', 'prometheus', 'nagios'] as const

export type Format = (typeof FORMATS)[number]

/** Every format comes from the same report object. */
export function render(report: Report, format: Format, options: TableOptions): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`
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
