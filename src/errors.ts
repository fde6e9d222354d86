/** An error the operator can act on: printed as one line (what happened, what to do), never as a stack trace. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    /** 3 = could not diagnose (Monitoring Plugins UNKNOWN). */
    readonly exitCode = 3,
    readonly code = 'usage',
  ) {
    super(message)
  }
}
