/**
 * The npm package as a user gets it: packed from a copy of this working tree (prepack builds it), installed globally
 * into a temporary prefix, and run from the PATH.
 */
import {cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {execa} from 'execa'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const work = mkdtempSync(join(tmpdir(), 'mvd-pack-'))
const prefix = join(work, 'prefix')
const env = {PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}`, NO_COLOR: '1', HOME: work, NODE_ENV: ''}

/** Every file git would put in a fresh clone (tracked, or new and not ignored), copied as it is now. */
async function copyTree(to: string): Promise<void> {
  const listed = await execa('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {cwd: ROOT})
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    mkdirSync(dirname(join(to, file)), {recursive: true})
    cpSync(join(ROOT, file), join(to, file), {errorOnExist: false, force: true, dereference: false})
  }
  // The build needs the dev dependencies; the copy borrows the checkout's.
  symlinkSync(join(ROOT, 'node_modules'), join(to, 'node_modules'))
}

let tarball = ''

beforeAll(async () => {
  const clone = join(work, 'clone')
  await copyTree(clone)
  await execa('npm', ['pack', '--pack-destination', work], {cwd: clone, env})
  tarball = join(work, readdirSync(work).find((file) => file.endsWith('.tgz')) ?? 'no tarball was written')
  // Optional dependencies (the raw-socket ICMP addon) are left out: a compiler is not what this test is about.
  await execa('npm', ['install', '--global', '--prefix', prefix, '--omit=optional', '--prefer-offline', '--no-audit', '--no-fund', tarball], {env})
}, 300_000)

afterAll(() => rmSync(work, {recursive: true, force: true}))

const macvlan = (args: string[]) => execa('macvlan', args, {env, reject: false})

describe('npm pack, then npm install --global', () => {
  it('puts macvlan on the PATH with every command', async () => {
    const rules = await macvlan(['rules', '--json'])
    expect(rules.exitCode).toBe(0)
    expect(JSON.parse(rules.stdout).map((rule: {id: string}) => rule.id)).toContain('parent-down')
    const help = await macvlan(['help', 'doctor'])
    expect(help.exitCode).toBe(0)
    expect(help.stdout).toContain('3  could not diagnose')
  })

  it('replays a saved snapshot with its docs and schemas found inside the package', async () => {
    const report = await macvlan(['doctor', '--json', '--from', join(ROOT, 'fixtures', 'snapshots', 'parent-down.json')])
    expect(report.exitCode).toBe(2)
    expect(JSON.parse(report.stdout).checks).toContainEqual(expect.objectContaining({id: 'parent-down', outcome: 'fail'}))
    expect((await macvlan(['explain', 'parent-down'])).stdout).toMatch(/^# parent-down/)
  })

  it('runs from the one bundled file, with no dependency installed beside it', async () => {
    const listing = (await execa('tar', ['-tzf', tarball])).stdout.split('\n')
    expect(listing.filter((file) => file.startsWith('package/dist/'))).toEqual(['package/dist/macvlan.cjs'])
    // Only the optional ICMP addon (and its build helper) is installed beside it, never oclif & co.
    const installed = join(prefix, 'lib', 'node_modules', 'macvlan-doctor', 'node_modules')
    for (const dependency of readdirSync(installed)) expect(['nan', 'raw-socket']).toContain(dependency)
    expect((await macvlan(['doctr'])).stderr).toContain('Did you mean doctor?')
  })

  it('ships the licence and the project links', async () => {
    const listing = await execa('tar', ['-tzf', tarball])
    expect(listing.stdout.split('\n')).toEqual(expect.arrayContaining(['package/LICENSE', 'package/README.md', 'package/dist/macvlan.cjs', 'package/docs/rules/parent-down.md']))
    const manifest = JSON.parse((await execa('tar', ['-xzOf', tarball, 'package/package.json'])).stdout) as Record<string, unknown>
    expect(manifest).toMatchObject({license: 'MIT', repository: expect.anything(), bugs: expect.anything(), homepage: expect.any(String)})
  })
})
