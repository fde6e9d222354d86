import {Args} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {docsPath} from '../engine/evaluate.js'
import {UserError} from '../errors.js'
import {readPackageFile} from '../package-root.js'
import {findFleetCheck} from '../fleet/checks/index.js'
import {fleetDocsPath, type FleetCheck} from '../fleet/evaluate.js'
import {findRule} from '../rules/index.js'

export default class Explain extends BaseCommand {
  static override summary = "Print a rule's (or a fleet check's) documentation: what goes wrong, how it is detected, how to fix it."
  static override examples = ['<%= config.bin %> explain host-isolation', '<%= config.bin %> explain MVD004', '<%= config.bin %> explain fleet-range-overlap']
  static override args = {id: Args.string({description: 'Rule id (e.g. parent-down) or code (e.g. MVD004), or a fleet check\'s (MVF001).', required: true})}

  async run(): Promise<void> {
    const {args} = await this.parse(Explain)
    const rule = findRule(args.id)
    const fleetCheck = rule ? undefined : findFleetCheck(args.id)
    if (!rule && !fleetCheck) throw new UserError(`no rule ${args.id}`, `\`${this.config.bin} rules\` lists them; the fleet checks are in \`${this.config.bin} help fleet\` and the README.`, 3, 'unknown-rule')
    this.log(readPackageFile(rule ? docsPath(rule.meta.id) : fleetDocsPath((fleetCheck as FleetCheck).meta.id)).trimEnd())
  }
}
