import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import type {Report} from '../engine/report.js'
import {exitCodeFor} from '../engine/status.js'
import {diagnosisFlags, diagnosisOptions, outputFlag} from '../options.js'
import {STDOUT, writeReport} from '../output.js'
import {runDoctor} from '../pipeline.js'
import {plannedNetwork} from '../plan/network-create.js'
import {progressLine} from '../progress.js'
import {FORMATS, type Format} from '../render/index.js'

const {network: _network, ...planFlags} = diagnosisFlags

export default class Plan extends BaseCommand {
  static override summary = 'Check a macvlan network against this LAN before you create it.'
  static override description = `Reads the docker network create line after --, and judges the network it would make as if it existed: the same rules and probes as doctor (subnet, gateway, range against the DHCP pool and the addresses in use, the networks already on the parent, mode, MTU, parent kind). Only the throw-away probe namespace is created; the network is not.

Exit codes are doctor's: 0 ok, 1 warnings (0 with --fail-on fail), 2 failures, 3 could not judge (bad command line, Docker unreachable).`
  static override enableJsonFlag = true
  static override strict = false
  static override examples = [
    '<%= config.bin %> plan --check -- docker network create -d macvlan --subnet 192.168.1.0/24 --gateway 192.168.1.1 --ip-range 192.168.1.192/27 --aux-address host=192.168.1.223 -o parent=eth0 lan',
    '<%= config.bin %> plan --check --format markdown -- docker network create -d macvlan --subnet 192.168.1.0/24 -o parent=eth0 lan',
  ]

  static override flags = {
    check: Flags.boolean({description: 'Judge the docker network create line given after --.', required: true}),
    ...planFlags,
    format: Flags.string({char: 'f', description: 'Output format [default: table].', options: [...FORMATS], exclusive: ['json']}),
    output: outputFlag(false),
    verbose: Flags.boolean({char: 'v', description: 'Also list passing and not-applicable checks.'}),
  }

  async run(): Promise<Report> {
    const {flags, argv} = await this.parse(Plan)
    const planned = plannedNetwork(argv as string[])
    const {options, failOn} = await diagnosisOptions({...flags, network: undefined}, this.commandLine())
    const format: Format = this.jsonEnabled() ? 'json' : ((flags.format as Format | undefined) ?? 'table')
    const toFile = flags.output !== undefined && flags.output !== STDOUT
    const progress = progressLine('macvlan plan', !this.jsonEnabled() && !toFile)
    const {report} = await runDoctor({...options, planned, redact: false, onPhase: progress.onPhase})
    progress.clear()
    process.exitCode = exitCodeFor(report.status, failOn)
    if (this.jsonEnabled() && !toFile) return report
    await writeReport(report, format, {output: flags.output, verbose: flags.verbose, failOn})
    return report
  }
}
