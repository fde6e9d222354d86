/**
 * What must happen before the process dies of SIGINT or SIGTERM: remove the throw-away probe namespaces, take back
 * half-applied fixes. Cleanups are synchronous (the process exits right after) and run newest first.
 */
const cleanups = new Set<() => void>()

let hooked = false
function hookSignals(): void {
  if (hooked) return
  hooked = true
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      for (const cleanup of [...cleanups].toReversed()) {
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

/** Registers `cleanup` until the returned function is called. */
export function onInterrupt(cleanup: () => void): () => void {
  hookSignals()
  cleanups.add(cleanup)
  return () => cleanups.delete(cleanup)
}
