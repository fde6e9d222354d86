/**
 * Every stage keeps to its room: rules do not import rules, probe code does not import collection code, only
 * src/exec/ starts programs, and only src/fix/ reaches the runner for commands that change the host.
 */
import {readdirSync, readFileSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'
import {describe, expect, it} from 'vitest'

const SRC = resolve('src')

function sources(directory: string): string[] {
  return readdirSync(directory, {withFileTypes: true}).flatMap((entry) => {
    const path = join(directory, entry.name)
    return entry.isDirectory() ? sources(path) : entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : []
  })
}

/** Each file of src/ (as `rules/dns.ts`) with what it imports: files of src/ the same way, packages by name. */
const imports = new Map(
  sources(SRC).map((path) => {
    const text = readFileSync(path, 'utf8')
    const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)].map((match) => (match[1] ?? match[2] ?? match[3]) as string)
    const resolved = specifiers.map((specifier) => (specifier.startsWith('.') ? relative(SRC, resolve(dirname(path), specifier)).replace(/\.js$/, '.ts') : specifier))
    return [relative(SRC, path), resolved] as const
  }),
)

const importers = (test: (target: string) => boolean) => [...imports].filter(([, targets]) => targets.some(test)).map(([file]) => file).sort()

/** A registered rule: a file directly in src/rules/, other than the registry. */
const isRule = (file: string) => /^rules\/[^/]+\.ts$/.test(file) && file !== 'rules/index.ts'

describe('the layout of src/', () => {
  it('finds the imports it checks', () => {
    expect(imports.get('rules/host-isolation.ts')).toContain('rules/support/common.ts')
    expect(imports.get('exec/run.ts')).toContain('node:child_process')
  })

  it('has no rule importing another rule: what rules share lives in src/rules/support/', () => {
    const offenders = [...imports].filter(([file, targets]) => isRule(file) && targets.some(isRule)).map(([file]) => file)
    expect(offenders).toEqual([])
  })

  it('keeps probe code out of collection code and out of rules', () => {
    expect(importers((target) => target.startsWith('collect/')).filter((file) => file.startsWith('probe/'))).toEqual([])
    expect(importers(isRule).filter((file) => file.startsWith('probe/'))).toEqual([])
  })

  it('starts programs only from src/exec/', () => {
    expect(importers((target) => target === 'node:child_process' || target === 'child_process').filter((file) => !file.startsWith('exec/'))).toEqual([])
  })

  it('changes the host only from src/fix/: no one else reaches the runner for changes', () => {
    expect(importers((target) => target === 'exec/change.ts')).toEqual(importers((target) => target === 'exec/change.ts').filter((file) => file.startsWith('fix/')))
    expect(importers((target) => target === 'exec/change.ts').length).toBeGreaterThan(0)
  })

  it('writes files only from src/fix/ and the output writer (the file named by --output, and what fix persists)', () => {
    const writers = [...imports].filter(([, targets]) => targets.some((target) => target === 'node:fs' || target === 'node:fs/promises')).map(([file]) => file)
    const writing = writers.filter((file) => /\b(writeFile|writeFileSync|rename|renameSync|rm|rmSync|unlink|unlinkSync|mkdir|mkdirSync|copyFile|appendFile|chmod|open)\b\s*\(/.test(readFileSync(join(SRC, file), 'utf8')))
    expect(writing.filter((file) => !file.startsWith('fix/') && file !== 'output.ts')).toEqual([])
  })
})
