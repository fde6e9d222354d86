/**
 * One command per target, all at once, from a single process: `sh` forks them, so the tool spawns one process per
 * namespace instead of one per packet. Spawning blocks Node's event loop; on a host with a hundred containers, one
 * spawn per ping was several hundred, which delayed the raw-socket sweep's replies past its own deadline.
 */
import {shellLine} from './quote.js'
import {runProgram} from './run.js'

export interface TargetResult {
  exitCode: number
  /** Everything the command printed (stdout and stderr). */
  output: string
}

interface FanOut {
  results: Map<string, TargetResult>
  /** What `after` printed once every command had finished. */
  after?: string
  /** Why the whole run failed (the namespace vanished, the time limit passed). */
  failure?: string
}

// $1: the shell snippet to run per target (as "$t"), $2: what to run after them all, then the targets. Each result is
// one line: target, exit code, output with its newlines as \037 (a byte neither JSON nor ip/ping/arping print).
const SCRIPT = [
  'each=$1; after=$2; shift 2',
  'for t; do (out=$(eval "$each" 2>&1); printf "%s\\t%s\\t%s\\n" "$t" "$?" "$(printf %s "$out" | tr "\\n" "\\037")") & done',
  'wait',
  'if [ -n "$after" ]; then printf "after\\t"; eval "$after"; fi',
].join('\n')

/** `command` with the target as its last word, as a snippet for fanOut. */
export const withTarget = (command: string[]) => `${shellLine(command)} "$t"`

/**
 * Runs `each` (a shell snippet that names its target "$t"; build it with shellLine) for every target at once, from
 * one process: `enter` (e.g. nsenter into a namespace) then sh.
 */
export async function fanOut(enter: string[], each: string, targets: string[], timeoutMs: number, after: string[] = []): Promise<FanOut> {
  const [file = 'sh', ...args] = [...enter, 'sh', '-c', SCRIPT, 'sh', each, shellLine(after), ...targets]
  const result = await runProgram(file, args, {timeoutMs})
  const results = new Map<string, TargetResult>()
  let printedAfter: string | undefined
  for (const line of result.stdout.split('\n')) {
    const [first = '', second = '', ...rest] = line.split('\t')
    if (first === 'after') printedAfter = [second, ...rest].join('\t')
    else if (targets.includes(first)) results.set(first, {exitCode: Number(second), output: rest.join('\t').replaceAll('\u001F', '\n')})
  }
  return {results, ...(printedAfter === undefined ? {} : {after: printedAfter}), ...(result.exitCode === 0 ? {} : {failure: result.failure ?? 'failed'})}
}

/** Runs `worker` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<I, O>(items: readonly I[], limit: number, worker: (item: I) => Promise<O>): Promise<O[]> {
  const results = new Array<O>(items.length)
  let next = 0
  const lane = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await worker(items[index] as I)
    }
  }
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, lane))
  return results
}
