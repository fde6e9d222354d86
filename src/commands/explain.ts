import {Args} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {docsPath} from '../engine/evaluate.js'
import {UserError} from '../errors.js'
import {readPackageFile} from '../package-root.js'
import {findRule} from '../rules/index.js'

export default class Explain extends BaseCommand {
  static override summary = "Print a rule's documentation: what goes wrong, how it is detected, how to fix it."
  static override examples = ['<%= config.bin %> explain host-isolation', '<%= config.bin %> explain MVD004']
  static override args = {id: Args.string({description: 'Rule id (e.g. parent-down) or code (e.g. MVD004).', required: true})}

  async run(): Promise<void> {
    const {args} = await this.parse(Explain)
    const rule = findRule(args.id)
    if (!rule) throw new UserError(`no rule ${args.id}`, `\`${this.config.bin} rules\` lists them.`, 3, 'unknown-rule')
    this.log(readPackageFile(docsPath(rule.meta.id)).trimEnd())
  }
}
