/** Built by scripts/bundle.ts from the plugins package.json lists: every command of every plugin, by id. */
declare module 'macvlan-doctor:plugin-commands' {
  import type {Command} from '@oclif/core'

  const commands: Record<string, Command.Class>
  export default commands
}
