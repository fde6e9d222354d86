import type {Hook} from '@oclif/core'

import {printable} from '../render/printable.js'
import {closest} from '../text.js'

/**
 * A mistyped command gets one line with the nearest command and exit 3, like every other usage error. oclif's
 * plugin-not-found suggests only by prompting on a terminal, and exits 127 with no suggestion elsewhere.
 */
const hook: Hook<'command_not_found'> = async function ({config, id}) {
  const typed = printable(id.replaceAll(':', ' '))
  const near = closest(id, config.commandIDs)
  const suggestion = near ? ` Did you mean ${near.replaceAll(':', ' ')}?` : ''
  process.stderr.write(`${config.bin}: command ${typed} not found.${suggestion} — Run ${config.bin} help for the list of commands.\n`)
  process.exitCode = 3
}

export default hook
