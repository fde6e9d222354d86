/**
 * Every flag group and default, once: collection (collect, doctor, fix), probing and rule settings (doctor, fix),
 * and output (format, output, redact). Flags win over the config file.
 */
import {resolve} from 'node:path'

import {Errors, Flags, type Interfaces} from '@oclif/core'

import {DEFAULT_CONFIG_PATH, loadConfig, MAX_DHCP_TIMEOUT_MS} from './config.js'
import {DEFAULT_SETTINGS} from './engine/types.js'
import {UserError} from './errors.js'
import {STDOUT} from './output.js'
import {intervalOf} from './model/ip.js'
import type {DoctorOptions} from './pipeline.js'
import {RULES} from './rules/index.js'
import {closest} from './text.js'

/** Long enough for a server that pings an address before offering it (dnsmasq: about 3 s). */
const DEFAULT_DHCP_TIMEOUT_MS = 5000

/** A string flag whose empty value would silently mean "everything" or "nothing": refused instead. */
const nonEmpty = Flags.custom<string>({
  async parse(input: string) {
    if (input.trim() === '') throw new Errors.CLIError('must not be empty')
    return input
  },
})

export const collectionFlags = {
  timeout: Flags.integer({description: 'Time limit for each command the tool runs, in milliseconds: every collection command, and with fix --apply every change and its undo.', default: 5000, min: 100, max: 600_000}),
  concurrency: Flags.integer({description: 'How many container namespaces to inspect at once.', default: 32, min: 1, max: 1024}),
}

const PROBE_FLAGS = ['probe-timeout', 'dhcp-timeout', 'dhcp-samples']

export const diagnosisFlags = {
  ...collectionFlags,
  network: nonEmpty({char: 'n', description: 'Only check this macvlan/ipvlan network (name or id).'}),
  from: nonEmpty({
    description: 'Replay a bundle saved by `doctor --save` (its probes included, reported as replayed) or a snapshot saved by `macvlan collect` (no probes) instead of collecting. Use - for stdin.',
  }),
  'dhcp-range': Flags.string({description: "The LAN's DHCP pool, as FIRST-LAST or a CIDR (repeatable), when the DHCP probe cannot find it.", multiple: true}),
  'mac-threshold': Flags.integer({description: `Distinct MACs on one parent above which mac-sprawl warns [default: ${DEFAULT_SETTINGS.macSprawlThreshold}].`, min: 1, max: 1_000_000}),
  'fail-on': Flags.string({description: 'Lowest outcome that makes the exit code non-zero [default: warn].', options: ['warn', 'fail']}),
  ignore: Flags.string({description: 'Leave this check id out of the report and the exit code (repeatable).', multiple: true}),
  config: nonEmpty({description: `Config file [default: ${DEFAULT_CONFIG_PATH}, when it exists].`}),
  'no-probe': Flags.boolean({description: 'Send no packets: judge from the collected facts only.', exclusive: PROBE_FLAGS}),
  'probe-timeout': Flags.integer({description: 'How long each probe waits for an answer, in milliseconds (the probe phase takes about this long).', default: 1000, min: 100, max: 60_000}),
  'dhcp-timeout': Flags.integer({
    description: `How long to collect DHCP offers, in milliseconds (servers such as dnsmasq ping an address for ~3 s before offering it) [default: ${DEFAULT_DHCP_TIMEOUT_MS}, or dhcpTimeoutMs from the config file].`,
    min: 100,
    max: MAX_DHCP_TIMEOUT_MS,
  }),
  // Sampling the pool with extra MACs gave way to asking for the very addresses in doubt; the flag stays so that
  // scripts passing it keep working.
  'dhcp-samples': Flags.integer({
    description: 'No longer used: the DHCP probe asks the servers for the addresses in question instead of sampling their pools.',
    hidden: true,
    deprecated: {message: 'the DHCP probe now asks the servers for the addresses in question; this flag does nothing.'},
  }),
}

export const redactFlag = Flags.boolean({description: 'Replace names, IDs, paths, addresses and MACs with consistent pseudonyms that keep every verdict (for a ticket).'})

export const saveFlag = nonEmpty({
  description: 'Also write a bundle to this file: the snapshot and every probe sent (from where, to what, and the answer), redacted with --redact, for `doctor --from FILE` to replay.',
})

/** Where `--save` may write: a file of its own, since the report may take stdout or `--output`. */
export function saveTarget(save: string | undefined, output: string | undefined): string | undefined {
  if (save === STDOUT) throw new UserError('--save needs a file: stdout is where the report goes', 'Write the bundle to a file: --save bundle.json.', 3, 'usage')
  if (save !== undefined && output !== undefined && resolve(save) === resolve(output)) {
    throw new UserError(`--save and --output name the same file (${save})`, 'Give the bundle and the report a file each.', 3, 'usage')
  }
  return save
}

export const outputFlag = (required: boolean) =>
  nonEmpty({char: 'o', description: `Write to this file (atomically: a reader never sees half of it)${required ? '' : ' instead of stdout'}; ${STDOUT} for stdout.`, required})

/** The same words for every command that prints a report or a plan; `--json` is oclif's, and means `--format json`. */
export function outputFlags(formats: readonly string[]) {
  return {
    format: Flags.string({char: 'f', description: 'Output format [default: table].', options: [...formats], exclusive: ['json']}),
    output: outputFlag(false),
    redact: redactFlag,
  }
}

export type DiagnosisFlags = Interfaces.InferredFlags<typeof diagnosisFlags>

function dhcpRanges(values: string[]): string[] {
  for (const value of values) {
    if (!intervalOf(value)) throw new UserError(`--dhcp-range ${value} is not an IPv4 range`, 'Write it as FIRST-LAST (192.168.1.100-192.168.1.199) or as a CIDR.', 3, 'usage')
  }
  return values
}

/** Check ids to leave out, each one a registered rule: a typo would otherwise silently ignore nothing. */
function checkIds(values: string[], source: string): string[] {
  const known = RULES.map((rule) => rule.meta.id)
  for (const value of values) {
    if (known.includes(value)) continue
    const near = closest(value, known)
    throw new UserError(`${source}: unknown check id ${value}${near ? ` (did you mean ${near}?)` : ''}`, `Valid ids: ${known.join(', ')}.`, 3, 'usage')
  }
  return values
}

export async function diagnosisOptions(flags: DiagnosisFlags, command: string[]): Promise<{options: DoctorOptions; failOn: 'warn' | 'fail'}> {
  const config = await loadConfig(flags.config)
  const options: DoctorOptions = {
    from: flags.from,
    network: flags.network,
    redact: false,
    collectTimeoutMs: flags.timeout,
    concurrency: flags.concurrency,
    command,
    now: () => new Date(),
    settings: {
      dhcpRanges: dhcpRanges([...(flags['dhcp-range'] ?? []), ...config.dhcpRanges]),
      macSprawlThreshold: flags['mac-threshold'] ?? config.macSprawlThreshold ?? DEFAULT_SETTINGS.macSprawlThreshold,
    },
    ignore: [...checkIds(flags.ignore ?? [], '--ignore'), ...checkIds(config.ignore, `config ${config.path}`)],
    probe: flags['no-probe'] ? undefined : {waitMs: flags['probe-timeout'], dhcpWaitMs: flags['dhcp-timeout'] ?? config.dhcpTimeoutMs ?? DEFAULT_DHCP_TIMEOUT_MS},
  }
  return {options, failOn: (flags['fail-on'] as 'warn' | 'fail' | undefined) ?? config.failOn}
}
