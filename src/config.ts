/** The optional config file: ignores, thresholds and declared DHCP ranges for scheduled runs, so cron lines stay short. */
import {readFile} from 'node:fs/promises'

import {UserError} from './errors.js'
import {intervalOf} from './model/ip.js'

export const DEFAULT_CONFIG_PATH = '/etc/macvlan-doctor.json'

/** The longest DHCP window a flag or the config file may ask for. */
export const MAX_DHCP_TIMEOUT_MS = 60_000

export interface DoctorConfig {
  /** The file these settings came from (the default path even when it does not exist). */
  path: string
  /** Check ids never to report or count. */
  ignore: string[]
  /** The outcome from which the exit code is non-zero. */
  failOn: 'warn' | 'fail'
  dhcpRanges: string[]
  macSprawlThreshold?: number
  /** How long the DHCP probe collects offers: scheduled runs against a server known to answer fast can shorten it. */
  dhcpTimeoutMs?: number
}

const KEYS = new Set(['ignore', 'failOn', 'dhcpRanges', 'macSprawlThreshold', 'dhcpTimeoutMs'])

function invalid(path: string, what: string): UserError {
  return new UserError(`config ${path}: ${what}`, 'Fix the file (keys: ignore, failOn, dhcpRanges, macSprawlThreshold, dhcpTimeoutMs) or pass another with --config.', 3, 'config-invalid')
}

const stringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string')

/** Reads `path`; the default path may be absent, an explicit one may not. */
export async function loadConfig(path: string | undefined): Promise<DoctorConfig> {
  const file = path ?? DEFAULT_CONFIG_PATH
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if (!path && (error as NodeJS.ErrnoException).code === 'ENOENT') return {path: file, ignore: [], failOn: 'warn', dhcpRanges: []}
    throw invalid(file, `cannot read it (${(error as Error).message})`)
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw invalid(file, `not valid JSON (${(error as Error).message})`)
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid(file, 'expected a JSON object')
  const value = raw as Record<string, unknown>
  const unknown = Object.keys(value).filter((key) => !KEYS.has(key))
  if (unknown.length > 0) throw invalid(file, `unknown key ${unknown.join(', ')}`)
  if (value.ignore !== undefined && !stringList(value.ignore)) throw invalid(file, '"ignore" must be a list of check ids')
  if (value.failOn !== undefined && value.failOn !== 'warn' && value.failOn !== 'fail') throw invalid(file, '"failOn" must be "warn" or "fail"')
  if (value.dhcpRanges !== undefined && (!stringList(value.dhcpRanges) || value.dhcpRanges.some((range) => !intervalOf(range)))) {
    throw invalid(file, '"dhcpRanges" must be a list of FIRST-LAST or CIDR ranges')
  }
  if (value.macSprawlThreshold !== undefined && !(Number.isInteger(value.macSprawlThreshold) && (value.macSprawlThreshold as number) > 0)) {
    throw invalid(file, '"macSprawlThreshold" must be a positive whole number')
  }
  if (value.dhcpTimeoutMs !== undefined && !(Number.isInteger(value.dhcpTimeoutMs) && (value.dhcpTimeoutMs as number) >= 100 && (value.dhcpTimeoutMs as number) <= MAX_DHCP_TIMEOUT_MS)) {
    throw invalid(file, `"dhcpTimeoutMs" must be a whole number of milliseconds, from 100 to ${MAX_DHCP_TIMEOUT_MS}`)
  }
  return {
    path: file,
    ignore: value.ignore ?? [],
    failOn: value.failOn ?? 'warn',
    dhcpRanges: value.dhcpRanges ?? [],
    ...(value.macSprawlThreshold === undefined ? {} : {macSprawlThreshold: value.macSprawlThreshold as number}),
    ...(value.dhcpTimeoutMs === undefined ? {} : {dhcpTimeoutMs: value.dhcpTimeoutMs as number}),
  }
}
