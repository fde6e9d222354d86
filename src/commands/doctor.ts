import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import type {Report} from '../engine/report.js'
import {loadConfig, DEFAULT_CONFIG_PATH} from '../config.js'
import {exitCodeFor} from '../engine/status.js'
import {DEFAULT_SETTINGS} from '../engine/types.js'
import {UserError} from '../errors.js'
import {intervalOf} from '../model/ip.js'
import {runDoctor} from '../pipeline.js'
import {writeAtomically} from '../output.js'
import {FORMATS, render, type Format} from '../render/index.js'

function dhcpRanges(values: string[]): string[] {
  for (const value of values) {
    if (!intervalOf(value)) throw new UserError(`--dhcp-range ${value} is not an IPv4 range`, 'Write it as FIRST-LAST (192.168.1.100-192.168.1.199) or as a CIDR.', 3, 'usage')
  }
  return values
}

export default class Doctor extends BaseCommand {
  static override summary = 'Diagnose the Docker macvlan networks on this host.'
  static override description = `Collects link, address, route and Docker facts, evaluates every rule and prints what is broken, the evidence and the fix.

Exit codes (Monitoring Plugins convention, the same in every format):
  0  ok: every check passed
  1  warnings (0 with --fail-on fail)
  2  failures
  3  could not diagnose (Docker unreachable, bad input, a check could not run)

Settings can also come from /etc/macvlan-doctor.json (or --config): {"ignore": [...], "failOn": "warn"|"fail", "dhcpRanges": [...], "macSprawlThreshold": N}. Flags win.`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> doctor',
    '<%= config.bin %> doctor --network lan --verbose',
    '<%= config.bin %> doctor --json > report.json',
    '<%= config.bin %> doctor --from snapshot.json',
    '<%= config.bin %> doctor --format markdown --redact --output ticket.md',
    '<%= config.bin %> doctor --format prometheus --output /var/lib/node_exporter/textfile/macvlan.prom --fail-on fail',
    '<%= config.bin %> doctor --format nagios',
  ]

  static override flags = {
    network: Flags.string({char: 'n', description: 'Only check this macvlan/ipvlan network (name or id).'}),
    from: Flags.string({description: 'Replay a snapshot saved by `macvlan collect` instead of collecting (offline, no probes). Use - for stdin.'}),
    redact: Flags.boolean({description: 'Replace MACs, IPs, the hostname and container names with consistent tokens.'}),
    verbose: Flags.boolean({char: 'v', description: 'Also list passing and not-applicable checks.'}),
    'dhcp-range': Flags.string({description: "The LAN's DHCP pool, as FIRST-LAST or a CIDR (repeatable), when the DHCP probe cannot find it.", multiple: true}),
    'mac-threshold': Flags.integer({description: `Distinct MACs on one parent above which mac-sprawl warns [default: ${DEFAULT_SETTINGS.macSprawlThreshold}].`, min: 1}),
    format: Flags.string({char: 'f', description: 'Report format [default: table].', options: [...FORMATS]}),
    output: Flags.string({char: 'o', description: 'Write the report to this file (atomically: a reader never sees half of it) instead of stdout.'}),
    'fail-on': Flags.string({description: 'Lowest outcome that makes the exit code non-zero [default: warn].', options: ['warn', 'fail']}),
    ignore: Flags.string({description: 'Leave this check id out of the report and the exit code (repeatable).', multiple: true}),
    config: Flags.string({description: `Config file [default: ${DEFAULT_CONFIG_PATH}, when it exists].`}),
    'no-probe': Flags.boolean({description: 'Send no packets: judge from the collected facts only.'}),
    'probe-timeout': Flags.integer({description: 'How long each probe waits for an answer, in milliseconds (the probe phase takes about this long).', default: 1000, min: 100}),
    'dhcp-timeout': Flags.integer({description: 'How long to collect DHCP offers, in milliseconds (servers such as dnsmasq ping an address for ~3 s before offering it).', default: 5000, min: 100}),
    'dhcp-samples': Flags.integer({description: 'Extra DHCPDISCOVERs from distinct throw-away MACs, to see more of the DHCP pool.', default: 0, min: 0, max: 16}),
    timeout: Flags.integer({description: 'Time limit for each collection command, in milliseconds.', default: 5000, min: 100}),
    concurrency: Flags.integer({description: 'How many container namespaces to inspect at once.', default: 8, min: 1}),
  }

  async run(): Promise<Report> {
    const {flags} = await this.parse(Doctor)
    const config = await loadConfig(flags.config)
    const failOn = (flags['fail-on'] as 'warn' | 'fail' | undefined) ?? config.failOn
    const format: Format = this.jsonEnabled() ? 'json' : ((flags.format as Format | undefined) ?? 'table')
    const progress = process.stderr.isTTY && !this.jsonEnabled() && !flags.output ? (phase: string) => process.stderr.write(`\r\u001B[Kmacvlan doctor: ${phase}…`) : undefined
    const report = await runDoctor({
      from: flags.from,
      network: flags.network,
      redact: flags.redact,
      timeoutMs: flags.timeout,
      concurrency: flags.concurrency,
      command: this.commandLine(),
      now: () => new Date(),
      settings: {
        dhcpRanges: dhcpRanges([...(flags['dhcp-range'] ?? []), ...config.dhcpRanges]),
        macSprawlThreshold: flags['mac-threshold'] ?? config.macSprawlThreshold ?? DEFAULT_SETTINGS.macSprawlThreshold,
      },
      ignore: [...(flags.ignore ?? []), ...config.ignore],
      onPhase: progress,
      probe: flags['no-probe'] ? undefined : {timeoutMs: flags['probe-timeout'], dhcpSamples: flags['dhcp-samples'], dhcpTimeoutMs: flags['dhcp-timeout']},
    })
    if (progress) process.stderr.write('\r\u001B[K')
    // Set, not this.exit(): oclif turns custom exit codes into 1 under --json (oclif/core#1423).
    process.exitCode = exitCodeFor(report.status, failOn)
    if (this.jsonEnabled() && !flags.output) return report
    const color = format === 'table' && !flags.output && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR
    const text = render(report, format, {color, verbose: flags.verbose})
    if (flags.output) await writeAtomically(flags.output, text)
    else process.stdout.write(text)
    return report
  }
}
