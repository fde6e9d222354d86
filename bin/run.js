#!/usr/bin/env node
// `--version` is what scripts and fleet inventories call most: answered without loading oclif, it costs half as much.
// It prints what oclif prints (config.userAgent); a test holds the two together.
const [only, ...rest] = process.argv.slice(2)
if (only === '--version' && rest.length === 0) {
  const {readFileSync} = await import('node:fs')
  const {name, version} = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`${name}/${version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else {
  // The whole CLI in one file (npm run build bundles it): it starts in about half the time of the tree of modules.
  // require(), not import(): an import of CommonJS would first scan the megabyte for named exports.
  const {createRequire} = await import('node:module')
  createRequire(import.meta.url)('../dist/macvlan.cjs')
}
