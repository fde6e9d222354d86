import Table from 'cli-table3'

import {BaseCommand} from '../base-command.js'
import type {RuleMeta} from '../engine/types.js'
import {RULES} from '../rules/index.js'

export default class Rules extends BaseCommand {
  static override summary = 'List every rule with its id, code, severity and title.'
  static override enableJsonFlag = true

  async run(): Promise<RuleMeta[]> {
    await this.parse(Rules)
    const metas = RULES.map((rule) => rule.meta)
    const table = new Table({head: ['code', 'id', 'severity', 'title'], style: {head: [], border: []}})
    for (const meta of metas) table.push([meta.code, meta.id, meta.severity, meta.title])
    this.log(table.toString())
    return metas
  }
}
