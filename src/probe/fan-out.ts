/**
 * One command per target, all at once, from a single process: `sh` forks them, so the tool spawns one process per
 * namespace instead of one per packet. Spawning blocks Node's event loop; on a host with a hundred containers, one
 * spawn per ping was several hundred, which delayed the raw-socket sweep's replies past its own deadline.
 */
import {runProgram} from '../run-program.js'

export interface TargetResult {
  exitCode: number
  /** Everything the command printed, on one line. */
  output: string
}

export interface FanOut {
  results: Map<string, TargetResult>
  /** What `after` printed once every command had finished. */
  after?: string
  /** Why the whole run failed (the namespace vanished, the time limit passed). */
  failure?: string
}

// $1: the command (words without spaces), $2: what to run after them all, then the targets. One line per target.
const SCRIPT = [
  'cmd=$1; after=$2; shift 2',
  'for t; do (out=$($cmd "$t" 2>&1); printf "%s\\t%s\\t%s\\n" "$t" "$?" "$(printf %s "$out" | tr "\\n\\t" "  ")") & done',
  'wait',
  'if [ -n "$after" ]; then printf "after\\t"; $after; fi',
].join('\n')

export async function fanOut(enter: string[], command: string[], targets: string[], timeoutMs: number, after: string[] = []): Promise<FanOut> {
  if ([...command, ...after].some((word) => /\s/.test(word))) throw new Error('fanOut: command words must not contain spaces')
  const [file = 'sh', ...args] = [...enter, 'sh', '-c', SCRIPT, 'sh', command.join(' '), after.join(' '), ...targets]
  const result = await runProgram(file, args, {timeoutMs})
  const results = new Map<string, TargetResult>()
  let printedAfter: string | undefined
  for (const line of result.stdout.split('\n')) {
    const [first = '', second = '', ...rest] = line.split('\t')
    if (first === 'after') printedAfter = [second, ...rest].join('\t')
    else if (targets.includes(first)) results.set(first, {exitCode: Number(second), output: rest.join('\t')})
  }
  return {results, ...(printedAfter === undefined ? {} : {after: printedAfter}), ...(result.exitCode === 0 ? {} : {failure: result.failure ?? 'failed'})}
}
