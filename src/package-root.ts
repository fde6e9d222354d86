import {readFileSync} from 'node:fs'
import {getAsset, isSea} from 'node:sea'
import {fileURLToPath} from 'node:url'

/**
 * A file shipped beside dist/ (docs, schemas, package.json), read from the installed package wherever it lives, or
 * from inside the single executable, which carries them as assets under the same relative names.
 */
export function readPackageFile(relative: string): string {
  return isSea() ? getAsset(relative, 'utf8') : readFileSync(fileURLToPath(new URL(`../${relative}`, import.meta.url)), 'utf8')
}

export const TOOL: {name: string; version: string} = (() => {
  const manifest = JSON.parse(readPackageFile('package.json')) as {name: string; version: string}
  return {name: manifest.name, version: manifest.version}
})()

/** The single-file build's own way to start a helper script (set by its entry); the module tree runs the script's file. */
let bundledHelper: ((helper: HelperScript) => string[]) | undefined

export type HelperScript = 'dhcp-discover'

/** Called once by the single-file entry, before any command runs. */
export function startHelpersWith(command: (helper: HelperScript) => string[]): void {
  bundledHelper = command
}

/** argv that runs `helper` (a script in dist/probe/) in a new process: Node and the script's file, or this bundle itself. */
export function helperCommand(helper: HelperScript): string[] {
  return bundledHelper ? bundledHelper(helper) : [process.execPath, fileURLToPath(new URL(`./probe/${helper}.js`, import.meta.url))]
}
