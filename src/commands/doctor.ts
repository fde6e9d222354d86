import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import type {Report} from '../engine/report.js'
import {EXIT_CODES} from '../engine/status.js'
import {DEFAULT_SETTINGS} from '../engine/types.js'
import {UserError} from '../errors.js'
import {intervalOf} from '../model/ip.js'
import {runDoctor} from '../pipeline.js'
import {renderTable} from '../render/table.js'

function dhcpRanges(values: string[]): string[] {
  for (const value of values) {
    if (!intervalOf(value)) throw new UserError(`--dhcp-range ${value} is not an IPv4 range`, 'Write it as FIRST-LAST (192.168.1.100-192.168.1.199) or as a CIDR.', 3, 'usage')
  }
  return values
}

export default class Doctor extends BaseCommand {
  static override summary = 'Diagnose the Docker macvlan networks on this host.'
  static override description = `Collects link, address, route and Docker facts, evaluates every rule and prints what is broken, the evidence and the fix.

Exit codes (Monitoring Plugins convention, the same with --json):
  0  ok: every check passed
  1  warnings
  2  failures
  3  could not diagnose (Docker unreachable, bad input, a check could not run)`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> doctor',
    '<%= config.bin %> doctor --network lan --verbose',
    '<%= config.bin %> doctor --json > report.json',
    '<%= config.bin %> doctor --from snapshot.json',
  ]

  static override flags = {
    network: Flags.string({char: 'n', description: 'Only check this macvlan/ipvlan network (name or id).'}),
    from: Flags.string({description: 'Replay a snapshot saved by `macvlan collect` instead of collecting (offline, no probes). Use - for stdin.'}),
    redact: Flags.boolean({description: 'Replace MACs, IPs, the hostname and container names with consistent tokens.'}),
    verbose: Flags.boolean({char: 'v', description: 'Also list passing and not-applicable checks.'}),
    'dhcp-range': Flags.string({description: "The LAN's DHCP pool, as FIRST-LAST or a CIDR (repeatable), when the DHCP probe cannot find it.", multiple: true}),
    'mac-threshold': Flags.integer({description: 'Distinct MACs on one parent above which mac-sprawl warns.', default: DEFAULT_SETTINGS.macSprawlThreshold, min: 1}),
    'no-probe': Flags.boolean({description: 'Send no packets: judge from the collected facts only.'}),
    'probe-timeout': Flags.integer({description: 'How long each probe waits for an answer, in milliseconds (the probe phase takes about this long).', default: 1000, min: 100}),
    'dhcp-timeout': Flags.integer({description: 'How long to collect DHCP offers, in milliseconds (servers such as dnsmasq ping an address for ~3 s before offering it).', default: 5000, min: 100}),
    'dhcp-samples': Flags.integer({description: 'Extra DHCPDISCOVERs from distinct throw-away MACs, to see more of the DHCP pool.', default: 0, min: 0, max: 16}),
    timeout: Flags.integer({description: 'Time limit for each collection command, in milliseconds.', default: 5000, min: 100}),
    concurrency: Flags.integer({description: 'How many container namespaces to inspect at once.', default: 8, min: 1}),
  }

  async run(): Promise<Report> {
    const {flags} = await this.parse(Doctor)
    const report = await runDoctor({
      from: flags.from,
      network: flags.network,
      redact: flags.redact,
      timeoutMs: flags.timeout,
      concurrency: flags.concurrency,
      command: this.commandLine(),
      now: () => new Date(),
      settings: {dhcpRanges: dhcpRanges(flags['dhcp-range'] ?? []), macSprawlThreshold: flags['mac-threshold']},
      probe: flags['no-probe'] ? undefined : {timeoutMs: flags['probe-timeout'], dhcpSamples: flags['dhcp-samples'], dhcpTimeoutMs: flags['dhcp-timeout']},
    })
    // Set, not this.exit(): oclif turns custom exit codes into 1 under --json (oclif/core#1423).
    process.exitCode = EXIT_CODES[report.status]
    if (!this.jsonEnabled()) {
      this.log(renderTable(report, {color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR, verbose: flags.verbose}))
    }
    return report
  }
}
