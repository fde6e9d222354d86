import type {Report} from '../engine/report.js'
import {renderMarkdown} from './markdown.js'
import {renderNagios} from './nagios.js'
import {printableData} from './printable.js'
import {renderPrometheus} from './prometheus.js'
import type {RenderOptions} from './options.js'
import {renderTable} from './table.js'

export type {RenderOptions} from './options.js'

export const FORMATS = ['table', 'json', 'markdown', 'prometheus', 'nagios'] as const

export type Format = (typeof FORMATS)[number]

/** Every format comes from the same report object; all but JSON (which escapes for itself) see it with every control character escaped. */
export function render(report: Report, format: Format, options: RenderOptions): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`
  return renderReadable(printableData(report), format, options)
}

function renderReadable(report: Report, format: Exclude<Format, 'json'>, options: RenderOptions): string {
  switch (format) {
    case 'markdown':
      return renderMarkdown(report, options)
    case 'prometheus':
      return renderPrometheus(report)
    case 'nagios':
      return renderNagios(report, options)
    case 'table': {
      const text = renderTable(report, options)
      return text ? `${text}\n` : ''
    }
  }
}
