/** Applying a plan: stop at the first failure, undo in reverse, restore files, and judge the result. */
import {chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import type {Report} from '../../../src/engine/report.js'
import type {CheckResult, FixAction} from '../../../src/engine/types.js'
import {applyActions, restoreFiles, rollBack, uniqueActions, verify, writePersistence, type Runner, type UndoRunner, type WrittenFile} from '../../../src/fix/apply.js'
import type {FixStep} from '../../../src/fix/plan.js'
import type {Persistence} from '../../../src/model/persistence.js'

const SHIM: FixAction[] = [
  {run: ['ip', 'link', 'add', 'lan-shim', 'link', 'eth0', 'type', 'macvlan', 'mode', 'bridge'], undo: ['ip', 'link', 'del', 'lan-shim']},
  {run: ['ip', 'addr', 'add', '192.168.1.223/32', 'dev', 'lan-shim'], undo: ['ip', 'link', 'del', 'lan-shim']},
  {run: ['ip', 'route', 'add', '192.168.1.192/27', 'dev', 'lan-shim'], undo: ['ip', 'link', 'del', 'lan-shim']},
]
const PARENT_UP: FixAction = {run: ['ip', 'link', 'set', 'eth0', 'up'], undo: ['ip', 'link', 'set', 'eth0', 'down']}

/** Records every argv; fails the ones whose line is in `failing`. `undo` is the blocking runner rollback uses. */
function recorder(failing: string[] = []): {run: Runner; undo: UndoRunner; ran: string[]} {
  const ran: string[] = []
  const undo: UndoRunner = (argv) => {
    ran.push(argv.join(' '))
    return failing.includes(argv.join(' ')) ? 'RTNETLINK answers: File exists' : undefined
  }
  return {ran, undo, run: async (argv) => undo(argv)}
}

const step = (id: string, runtime: FixAction[], subject = {network: 'lan', interface: 'eth0'}): FixStep => ({check: {id, code: 'MVD000', title: id, subject, message: '', outcome: 'warn'}, summary: '', runtime, manual: []})
const check = (id: string, outcome: CheckResult['outcome'], subject = {network: 'lan', interface: 'eth0'}): CheckResult => ({id, code: 'MVD000', title: id, docs: '', outcome, subject, message: ''})
const report = (checks: CheckResult[]) => ({checks}) as Report

describe('applying runtime actions', () => {
  it('runs them in order, records each success as it happens, and stops at the first failure, reporting its error', async () => {
    const {run, ran} = recorder(['ip addr add 192.168.1.223/32 dev lan-shim'])
    const applied: FixAction[] = []
    // What an interrupt would find recorded when each command starts.
    const recordedAtStart: number[] = []
    const failed = await applyActions([PARENT_UP, ...SHIM], (argv) => (recordedAtStart.push(applied.length), run(argv)), applied)
    expect(recordedAtStart).toEqual([0, 1, 2])
    expect(ran).toEqual(['ip link set eth0 up', 'ip link add lan-shim link eth0 type macvlan mode bridge', 'ip addr add 192.168.1.223/32 dev lan-shim'])
    expect(applied).toEqual([PARENT_UP, SHIM[0]])
    expect(failed).toEqual({command: 'ip addr add 192.168.1.223/32 dev lan-shim', error: 'RTNETLINK answers: File exists'})
  })

  it('undoes in reverse, running an undo shared by several actions once', async () => {
    const {undo, ran} = recorder()
    rollBack([PARENT_UP, ...SHIM], undo)
    expect(ran).toEqual(['ip link del lan-shim', 'ip link set eth0 down'])
  })

  it('reports an undo that failed and still runs the rest', async () => {
    const {undo, ran} = recorder(['ip link del lan-shim'])
    const results = rollBack([PARENT_UP, ...SHIM], undo)
    expect(results).toEqual([{command: 'ip link del lan-shim', error: 'RTNETLINK answers: File exists'}, {command: 'ip link set eth0 down'}])
    expect(ran).toHaveLength(2)
  })

  it('runs a change two checks ask for once', () => {
    expect(uniqueActions([step('parent-down', [PARENT_UP]), step('other', [PARENT_UP, SHIM[0] as FixAction])])).toEqual([PARENT_UP, SHIM[0]])
  })
})

describe('verification', () => {
  const fixed = [step('host-isolation', SHIM)]
  const always = () => true

  it('passes when the fixed check now passes and nothing got worse', () => {
    const result = verify(fixed, report([check('host-isolation', 'warn'), check('mtu-mismatch', 'pass')]), report([check('host-isolation', 'pass'), check('mtu-mismatch', 'pass'), check('boot-order', 'warn', {network: 'lan', interface: 'lan-shim'})]), always)
    expect(result).toEqual({passed: true, changes: [{id: 'host-isolation', subject: {network: 'lan', interface: 'eth0'}, before: 'warn', after: 'pass'}]})
  })

  it('fails when the fixed check still does not pass', () => {
    expect(verify(fixed, report([check('host-isolation', 'warn')]), report([check('host-isolation', 'fail')]), always).passed).toBe(false)
  })

  it('fails when a check that passed got worse, unless it was judged differently (fewer probes)', () => {
    const before = report([check('host-isolation', 'warn'), check('container-route', 'pass')])
    const after = report([check('host-isolation', 'pass'), check('container-route', 'warn')])
    expect(verify(fixed, before, after, always)).toMatchObject({passed: false, changes: [{id: 'host-isolation'}, {id: 'container-route', before: 'pass', after: 'warn'}]})
    expect(verify(fixed, before, after, (id) => id !== 'container-route').passed).toBe(true)
  })
})

describe('persistence files', () => {
  let dir = ''
  afterEach(() => rmSync(dir, {recursive: true, force: true}))
  const persistence = (files: Persistence['files']): Persistence[] => [{manager: 'systemd-unit', reason: 'test', files, activate: []}]

  it('writes new files with their mode, backs up a replaced one, and restores it all exactly, the directory it made included', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mvd-persist-'))
    writeFileSync(join(dir, 'old.conf'), 'old\n')
    writeFileSync(join(dir, 'same.conf'), 'same\n')
    const written: WrittenFile[] = []
    await writePersistence(persistence([{path: join(dir, 'sub', 'new.conf'), content: 'new\n', mode: 0o600}, {path: join(dir, 'old.conf'), content: 'replaced\n'}, {path: join(dir, 'same.conf'), content: 'same\n'}]), '20260101T000000Z', written)
    expect(readFileSync(join(dir, 'sub', 'new.conf'), 'utf8')).toBe('new\n')
    expect(statSync(join(dir, 'sub', 'new.conf')).mode & 0o777).toBe(0o600)
    expect(readFileSync(join(dir, 'old.conf'), 'utf8')).toBe('replaced\n')
    expect(readFileSync(join(dir, 'old.conf.bak-20260101T000000Z'), 'utf8')).toBe('old\n')
    expect(written.map((file) => [file.changed, file.backup !== undefined])).toEqual([[true, false], [true, false], [true, true], [false, false]])
    restoreFiles(written)
    expect(existsSync(join(dir, 'sub', 'new.conf'))).toBe(false)
    expect(readFileSync(join(dir, 'old.conf'), 'utf8')).toBe('old\n')
    expect(readdirSync(dir).sort()).toEqual(['old.conf', 'same.conf'])
  })
  it('never follows a link planted at the backup name, and gives a keyfile its own mode even over a file with another', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mvd-persist-'))
    writeFileSync(join(dir, 'victim'), 'untouched\n')
    writeFileSync(join(dir, 'old.conf'), 'old\n')
    symlinkSync(join(dir, 'victim'), join(dir, 'old.conf.bak-20260101T000000Z'))
    await expect(writePersistence(persistence([{path: join(dir, 'old.conf'), content: 'replaced\n'}]), '20260101T000000Z', [])).rejects.toThrow(/^cannot back up .*old.conf to .*old.conf.bak-20260101T000000Z: EEXIST/)
    expect(readFileSync(join(dir, 'victim'), 'utf8')).toBe('untouched\n')
    expect(readFileSync(join(dir, 'old.conf'), 'utf8')).toBe('old\n')
    writeFileSync(join(dir, 'shim.nmconnection'), 'old\n')
    chmodSync(join(dir, 'shim.nmconnection'), 0o644)
    await writePersistence(persistence([{path: join(dir, 'shim.nmconnection'), content: 'new\n', mode: 0o600}]), '20260101T000001Z', [])
    expect(statSync(join(dir, 'shim.nmconnection')).mode & 0o777).toBe(0o600)
  })
})
