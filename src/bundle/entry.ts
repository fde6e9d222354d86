/**
 * The single-file build's entry (scripts/bundle.ts bundles it with everything it imports into dist/macvlan.cjs, which
 * is also the single executable's script). oclif finds commands and hooks by loading files; here they are all inside
 * this one file, so the package manifest is rewritten to oclif's `explicit` strategy pointing at BUNDLED_MODULE, and
 * the bundle's copy of oclif's module loader (patched at build time) answers for that name from BUNDLED_EXPORTS.
 * The plugins' commands (help, autocomplete) are folded in: no plugin is loaded from disk.
 */
import {dirname} from 'node:path'
import {isSea} from 'node:sea'

import {execute, settings, type Command, type Hook} from '@oclif/core'
import pluginCommands from 'macvlan-doctor:plugin-commands'

import Collect from '../commands/collect.js'
import Doctor from '../commands/doctor.js'
import Explain from '../commands/explain.js'
import Fix from '../commands/fix.js'
import Fleet from '../commands/fleet.js'
import Plan from '../commands/plan.js'
import Rules from '../commands/rules.js'
import commandNotFound from '../hooks/command-not-found.js'
import {readPackageFile, startHelpersWith} from '../package-root.js'
import {BUNDLED_EXPORTS, BUNDLED_MODULE, HELPER_ARG} from './names.js'

const COMMANDS: Record<string, Command.Class> = {...pluginCommands, collect: Collect, doctor: Doctor, explain: Explain, fix: Fix, fleet: Fleet, plan: Plan, rules: Rules}
const HOOKS: Record<string, Hook<'command_not_found'>> = {COMMAND_NOT_FOUND: commandNotFound}
;(globalThis as Record<symbol, unknown>)[BUNDLED_EXPORTS] = {COMMANDS, ...HOOKS}

/** This file's path: the executable itself (a single executable application), or the script that node runs. */
const isExecutable = isSea()
const self = isExecutable ? process.execPath : (process.argv[1] ?? process.execPath)
startHelpersWith((helper) => [process.execPath, ...(isExecutable ? [] : [self]), HELPER_ARG, helper])

async function main(): Promise<void> {
  if (process.argv[2] === HELPER_ARG) {
    const helper = process.argv[3]
    process.argv.splice(2, 2)
    if (helper === 'dhcp-discover') await import('../probe/dhcp-discover.js')
    else throw new Error(`unknown helper ${helper}`)
    return
  }
  const pjson = JSON.parse(readPackageFile('package.json')) as {oclif: Record<string, unknown>}
  const bundled = {target: `./${BUNDLED_MODULE}`}
  pjson.oclif = {
    ...pjson.oclif,
    commands: {strategy: 'explicit', ...bundled, identifier: 'COMMANDS'},
    hooks: {command_not_found: Object.keys(HOOKS).map((identifier) => ({...bundled, identifier}))},
    plugins: [],
  }
  // Nothing to transpile: without this oclif looks for tsconfig.json beside the bundle when NODE_ENV is development or test.
  settings.enableAutoTranspile = false
  // The root only names where oclif would look for files of its own: there are none (the package's oclif.manifest.json
  // describes the module tree, without the plugins' commands).
  await execute({loadOptions: {root: dirname(self), pjson: pjson as never}})
}

// A CommonJS bundle has no top-level await. execute() reports a command's errors itself; this is a helper's.
main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})
