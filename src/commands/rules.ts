import {BaseCommand} from '../base-command.js'
import type {RuleMeta} from '../engine/types.js'
import {alignedRows, terminalColumns} from '../render/table.js'
import {RULES} from '../rules/index.js'

export default class Rules extends BaseCommand {
  static override summary = 'List every rule with its id, code, severity and title.'
  static override description = 'On a terminal, aligned columns fitted to its width; otherwise one tab-separated line per rule: code, id, severity, title.'
  static override enableJsonFlag = true

  async run(): Promise<RuleMeta[]> {
    await this.parse(Rules)
    const metas = RULES.map((rule) => rule.meta)
    const rows = metas.map((meta) => [meta.code, meta.id, meta.severity, meta.title])
    const columns = terminalColumns(process.stdout)
    this.log(columns === undefined ? rows.map((row) => row.join('\t')).join('\n') : alignedRows(['code', 'id', 'severity', 'title'], rows, columns).join('\n'))
    return metas
  }
}
