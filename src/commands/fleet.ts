import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import type {Report} from '../engine/report.js'
import {exitCodeFor} from '../engine/status.js'
import {loadFleet} from '../fleet/load.js'
import {fleetReport} from '../fleet/report.js'
import {diagnosisFlags, outputFlag} from '../options.js'
import {STDOUT, writeReport} from '../output.js'
import {TOOL} from '../package-root.js'
import {FORMATS, type Format} from '../render/index.js'

export default class Fleet extends BaseCommand {
  static override summary = "Compare several hosts' saved bundles: what only the set shows (shared LANs, overlapping ranges, addresses and MACs used twice)."
  static override description = `Reads one file per host, written there by \`macvlan doctor --save FILE\` (a bundle, with its probes) or \`macvlan collect -o FILE\` (a snapshot), and checks what no single host can see: networks of two hosts on one LAN (same subnet, and the same gateway MAC, or else the same gateway address) with overlapping ranges, an address or MAC held on two hosts, one host's shim or reserved address in another's range, DHCP seen differently from two hosts, and one network name with different settings. Nothing is sent: it compares the files. Redacted files cannot be compared (their pseudonyms differ from file to file) and are reported as such.

Exit codes, as doctor's:
  0  ok: every check passed
  1  warnings (0 with --fail-on fail)
  2  failures
  3  could not judge (a file unreadable or redacted, fewer than two hosts, the same host twice)`
  static override enableJsonFlag = true
  static override strict = false
  static override args = {files: Args.string({description: 'The saved bundles or snapshots, one per host (at least two).'})}
  static override examples = [
    '<%= config.bin %> fleet bundles/*.json',
    '<%= config.bin %> fleet --format markdown --output fleet.md host1.json host2.json',
    '<%= config.bin %> fleet --format prometheus --output /var/lib/node_exporter/textfile/macvlan_fleet.prom /srv/macvlan/*.json',
  ]

  static override flags = {
    format: Flags.string({char: 'f', description: 'Output format [default: table].', options: [...FORMATS], exclusive: ['json']}),
    output: outputFlag(false),
    verbose: Flags.boolean({char: 'v', description: 'Also list passing and not-applicable checks.'}),
    'fail-on': diagnosisFlags['fail-on'],
  }

  async run(): Promise<Report> {
    const {argv, flags} = await this.parse(Fleet)
    const report = fleetReport(await loadFleet(argv as string[]), {tool: TOOL, command: this.commandLine(), generatedAt: new Date().toISOString()})
    const failOn = (flags['fail-on'] as 'warn' | 'fail' | undefined) ?? 'warn'
    // Set, not this.exit(): oclif turns custom exit codes into 1 under --json (oclif/core#1423).
    process.exitCode = exitCodeFor(report.status, failOn)
    const toFile = flags.output !== undefined && flags.output !== STDOUT
    if (this.jsonEnabled() && !toFile) return report
    const format: Format = this.jsonEnabled() ? 'json' : ((flags.format as Format | undefined) ?? 'table')
    await writeReport(report, format, {output: flags.output, verbose: flags.verbose, failOn})
    return report
  }
}
