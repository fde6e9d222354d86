/**
 * What must happen before the process dies of a signal that asks it to stop (SIGINT, SIGTERM, SIGHUP from a dropped
 * SSH session, SIGQUIT): kill the programs still running, remove the throw-away probe namespaces, take back
 * half-applied fixes. Cleanups are synchronous (the process exits right after) and run newest first, after the ones
 * registered to run first.
 */
const first = new Set<() => void>()
const cleanups = new Set<() => void>()

/** Each signal, and the exit code a shell gives a process it killed (128 + its number). */
const SIGNALS = [
  ['SIGHUP', 129],
  ['SIGINT', 130],
  ['SIGQUIT', 131],
  ['SIGTERM', 143],
] as const

let hooked = false
function hookSignals(): void {
  if (hooked) return
  hooked = true
  for (const [signal, code] of SIGNALS) {
    process.on(signal, () => {
      for (const cleanup of [...first, ...[...cleanups].toReversed()]) {
        try {
          cleanup()
        } catch {
          // Keep going: the other cleanups still matter.
        }
      }
      process.exit(code)
    })
  }
}

/** Registers `cleanup` until the returned function is called; `'first'` runs it before every other cleanup. */
export function onInterrupt(cleanup: () => void, order?: 'first'): () => void {
  hookSignals()
  const set = order === 'first' ? first : cleanups
  set.add(cleanup)
  return () => set.delete(cleanup)
}
