/**
 * `npm run sea`: the single executable, release/macvlan-linux-<arch>: this machine's Node binary with the bundle
 * (dist/macvlan.cjs, made by `npm run build`) injected as a Node single executable application, and package.json,
 * docs/ and schemas/ inside it as assets under their relative paths (read back by src/package-root.ts).
 * It is built for the architecture of the Node that runs this script: Node puts its own binary in the executable, and
 * the code cache in it is for that V8 build.
 */
import {execFileSync} from 'node:child_process'
import {chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'

import {BUNDLE} from './bundle.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const SEA = join(ROOT, 'release', `macvlan-linux-${process.arch}`)
/** The fuse Node looks for to know a blob was injected (Node's documentation gives this value). */
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'

function filesUnder(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]))
}

export function buildSea(): string {
  if (!existsSync(BUNDLE)) throw new Error(`${relative(ROOT, BUNDLE)} is missing: run npm run build first`)
  const work = join(ROOT, '.cache', 'sea')
  rmSync(work, {recursive: true, force: true})
  mkdirSync(work, {recursive: true})
  const names = ['package.json', ...[...filesUnder(join(ROOT, 'docs')), ...filesUnder(join(ROOT, 'schemas'))].map((file) => relative(ROOT, file))]
  const assets = Object.fromEntries(names.map((name) => [name, join(ROOT, name)]))
  const blob = join(work, 'sea.blob')
  const config = {main: BUNDLE, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true, assets}
  writeFileSync(join(work, 'sea-config.json'), JSON.stringify(config, null, 2))
  execFileSync(process.execPath, ['--experimental-sea-config', join(work, 'sea-config.json')], {stdio: 'pipe'})
  mkdirSync(join(ROOT, 'release'), {recursive: true})
  rmSync(SEA, {force: true})
  copyFileSync(process.execPath, SEA)
  chmodSync(SEA, 0o755)
  // postject warns about every ELF note section it cannot name; a failure still throws with its stderr.
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'postject', 'dist', 'cli.js'), SEA, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', FUSE], {stdio: 'pipe'})
  return SEA
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(`${relative(ROOT, buildSea())}\n`)
