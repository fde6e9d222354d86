/**
 * `npm run bundle`: the whole CLI in one CommonJS file, dist/macvlan.cjs (from src/bundle/entry.ts, after `npm run
 * build`). `npm run sea` then makes it a Node single executable application (see scripts/sea.ts).
 *
 * Two things oclif normally finds on disk are supplied here:
 * - the plugins' commands (package.json's oclif.plugins), found by oclif's own naming rule in each plugin's commands
 *   directory and imported into a virtual module the entry spreads into its command table;
 * - oclif's module loader, which would import the manifest's command and hook targets as files: its exports `load` and
 *   `loadWithData` answer for the entry's BUNDLED_MODULE from what the entry left in BUNDLED_EXPORTS.
 * The raw-socket addon stays outside (a native .node file cannot be bundled): the file tree's copy is used when the
 * package is installed with it, and the single executable falls back to ping.
 */
import {readdirSync, readFileSync} from 'node:fs'
import {join, relative, sep} from 'node:path'
import {fileURLToPath} from 'node:url'

import {build, type Plugin} from 'esbuild'

import {BUNDLED_EXPORTS, BUNDLED_MODULE} from '../src/bundle/names.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const BUNDLE = join(ROOT, 'dist', 'macvlan.cjs')

function filesUnder(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]))
}

/** `import C0 from '…/help.js'` … `export default {help: C0}` for every command of every plugin package.json lists. */
function pluginCommandsModule(): string {
  const {oclif} = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {oclif: {plugins?: string[]}}
  const lines: string[] = []
  const table: string[] = []
  for (const plugin of oclif.plugins ?? []) {
    const root = join(ROOT, 'node_modules', plugin)
    const commands = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {oclif: {commands: string}}).oclif.commands
    const dir = join(root, commands)
    for (const file of filesUnder(dir).filter((name) => name.endsWith('.js'))) {
      // oclif's rule: the path below the commands directory, `/` as `:`, an `index` file names its directory.
      const parts = relative(dir, file).slice(0, -'.js'.length).split(sep)
      if (parts.at(-1) === 'index') parts.pop()
      lines.push(`import C${table.length} from ${JSON.stringify(file)}`)
      table.push(`${JSON.stringify(parts.join(':'))}: C${table.length}`)
    }
  }
  return `${lines.join('\n')}\nexport default {${table.join(', ')}}\n`
}

const LOADER_PATCH = `
;(() => {
  const fromBundle = (modulePath) => {
    const name = String(modulePath).split(/[\\\\/]/).pop().replace(/\\.[cm]?js$/, '')
    return name === ${JSON.stringify(BUNDLED_MODULE)} ? globalThis[Symbol.for(${JSON.stringify(BUNDLED_EXPORTS.description)})] : undefined
  }
  const loadFile = exports.load
  const loadFileWithData = exports.loadWithData
  exports.load = async (config, modulePath) => fromBundle(modulePath) ?? loadFile(config, modulePath)
  exports.loadWithData = async (config, modulePath) => {
    const module = fromBundle(modulePath)
    return module ? {filePath: modulePath, isESM: false, module} : loadFileWithData(config, modulePath)
  }
})();
`

const bundled: Plugin = {
  name: 'macvlan-doctor-bundle',
  setup(esbuild) {
    esbuild.onResolve({filter: /^macvlan-doctor:plugin-commands$/}, (args) => ({path: args.path, namespace: 'plugin-commands'}))
    esbuild.onLoad({filter: /.*/, namespace: 'plugin-commands'}, () => ({contents: pluginCommandsModule(), resolveDir: ROOT, loader: 'js'}))
    // `createRequire(import.meta.url)('x')` (cheaper than an ESM import of a CommonJS package) is a plain require here,
    // which esbuild bundles; left as it is, the single executable would look for x on disk.
    esbuild.onLoad({filter: /[\\/]src[\\/].*\.ts$/}, (args) => {
      const source = readFileSync(args.path, 'utf8')
      return {contents: source.replace(/createRequire\(import\.meta\.url\)\(('[^']+')\)/g, 'require($1)'), loader: 'ts'}
    })
    esbuild.onLoad({filter: /[\\/]@oclif[\\/]core[\\/]lib[\\/]module-loader\.js$/}, (args) => {
      const source = readFileSync(args.path, 'utf8')
      // The patch replaces these exports; if oclif renames them, the build must stop rather than ship a CLI without commands.
      for (const name of ['load', 'loadWithData']) if (!source.includes(`exports.${name} = ${name};`)) throw new Error(`oclif's module loader no longer exports ${name}: update scripts/bundle.ts`)
      return {contents: source + LOADER_PATCH, loader: 'js'}
    })
  },
}

export async function bundle(): Promise<void> {
  await build({
    entryPoints: [join(ROOT, 'src', 'bundle', 'entry.ts')],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // typescript: oclif's ts-path would transpile sources in development; the entry turns that off.
    external: ['raw-socket', 'typescript'],
    // import.meta.url in a CommonJS bundle: the bundle file's own URL, so paths relative to dist/ stay right.
    define: {'import.meta.url': 'importMetaUrl'},
    // oclif checks the Node version against its own package.json, which a single executable does not have (and whose
    // Node is the one it was built with): that check would only print Node's warning about require() from disk.
    banner: {
      js: [
        "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;",
        "if (require('node:sea').isSea()) process.env.OCLIF_DISABLE_ENGINE_WARNING = '1';",
      ].join('\n'),
    },
    plugins: [bundled],
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: 'none',
    logLevel: 'warning',
  })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundle()
