/** The flags `doctor` and `fix` share, and how they become the pipeline's options (flags win over the config file). */
import {Flags, type Interfaces} from '@oclif/core'

import {DEFAULT_CONFIG_PATH, loadConfig} from './config.js'
import {DEFAULT_SETTINGS} from './engine/types.js'
import {UserError} from './errors.js'
import {intervalOf} from './model/ip.js'
import type {DoctorOptions} from './pipeline.js'
import {printable} from './render/printable.js'

/** Long enough for a server that pings an address before offering it (dnsmasq: about 3 s). */
const DEFAULT_DHCP_TIMEOUT_MS = 5000

export const diagnosisFlags = {
  network: Flags.string({char: 'n', description: 'Only check this macvlan/ipvlan network (name or id).'}),
  from: Flags.string({description: 'Replay a snapshot saved by `macvlan collect` instead of collecting (offline, no probes). Use - for stdin.'}),
  'dhcp-range': Flags.string({description: "The LAN's DHCP pool, as FIRST-LAST or a CIDR (repeatable), when the DHCP probe cannot find it.", multiple: true}),
  'mac-threshold': Flags.integer({description: `Distinct MACs on one parent above which mac-sprawl warns [default: ${DEFAULT_SETTINGS.macSprawlThreshold}].`, min: 1}),
  'fail-on': Flags.string({description: 'Lowest outcome that makes the exit code non-zero [default: warn].', options: ['warn', 'fail']}),
  ignore: Flags.string({description: 'Leave this check id out of the report and the exit code (repeatable).', multiple: true}),
  config: Flags.string({description: `Config file [default: ${DEFAULT_CONFIG_PATH}, when it exists].`}),
  'no-probe': Flags.boolean({description: 'Send no packets: judge from the collected facts only.'}),
  'probe-timeout': Flags.integer({description: 'How long each probe waits for an answer, in milliseconds (the probe phase takes about this long).', default: 1000, min: 100}),
  'dhcp-timeout': Flags.integer({description: `How long to collect DHCP offers, in milliseconds (servers such as dnsmasq ping an address for ~3 s before offering it) [default: ${DEFAULT_DHCP_TIMEOUT_MS}, or dhcpTimeoutMs from the config file].`, min: 100}),
  'dhcp-samples': Flags.integer({description: 'Extra DHCPDISCOVERs from distinct throw-away MACs, to see more of the DHCP pool.', default: 0, min: 0, max: 16}),
  timeout: Flags.integer({description: 'Time limit for each collection command, in milliseconds.', default: 5000, min: 100}),
  concurrency: Flags.integer({description: 'How many container namespaces to inspect at once.', default: 32, min: 1}),
}

export type DiagnosisFlags = Interfaces.InferredFlags<typeof diagnosisFlags>

function dhcpRanges(values: string[]): string[] {
  for (const value of values) {
    if (!intervalOf(value)) throw new UserError(`--dhcp-range ${value} is not an IPv4 range`, 'Write it as FIRST-LAST (192.168.1.100-192.168.1.199) or as a CIDR.', 3, 'usage')
  }
  return values
}

export async function diagnosisOptions(flags: DiagnosisFlags, command: string[]): Promise<{options: DoctorOptions; failOn: 'warn' | 'fail'}> {
  const config = await loadConfig(flags.config)
  const options: DoctorOptions = {
    from: flags.from,
    network: flags.network,
    redact: false,
    timeoutMs: flags.timeout,
    concurrency: flags.concurrency,
    command,
    now: () => new Date(),
    settings: {
      dhcpRanges: dhcpRanges([...(flags['dhcp-range'] ?? []), ...config.dhcpRanges]),
      macSprawlThreshold: flags['mac-threshold'] ?? config.macSprawlThreshold ?? DEFAULT_SETTINGS.macSprawlThreshold,
    },
    ignore: [...(flags.ignore ?? []), ...config.ignore],
    probe: flags['no-probe'] ? undefined : {timeoutMs: flags['probe-timeout'], dhcpSamples: flags['dhcp-samples'], dhcpTimeoutMs: flags['dhcp-timeout'] ?? config.dhcpTimeoutMs ?? DEFAULT_DHCP_TIMEOUT_MS},
  }
  return {options, failOn: (flags['fail-on'] as 'warn' | 'fail' | undefined) ?? config.failOn}
}

/** A one-line phase indicator on a terminal's stderr, nothing otherwise. */
export function progressLine(command: string, enabled: boolean): {onPhase?: (phase: string) => void; clear: () => void} {
  if (!enabled || !process.stderr.isTTY) return {clear: () => undefined}
  return {onPhase: (phase) => process.stderr.write(`\r\u001B[K${printable(`${command}: ${phase}`)}…`), clear: () => process.stderr.write('\r\u001B[K')}
}
