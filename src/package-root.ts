import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

/** Files shipped beside dist/ (docs, schemas), resolved from the installed package, wherever it lives. */
export function packageFile(relative: string): string {
  return fileURLToPath(new URL(`../${relative}`, import.meta.url))
}

export const TOOL: {name: string; version: string} = (() => {
  const manifest = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as {name: string; version: string}
  return {name: manifest.name, version: manifest.version}
})()
