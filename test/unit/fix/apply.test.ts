/** Applying a plan: stop at the first failure, undo in reverse, restore files, and judge the result. */
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import type {FixAction} from '../../../src/engine/types.js'
import type {Runner, RunResult, UndoRunner} from '../../../src/exec/change.js'
import {applyActions, restoreFiles, rollBack, uniqueActions, writePersistence, type CommandResult, type JournalEntry, type WrittenFile} from '../../../src/fix/apply.js'
import type {FixStep} from '../../../src/fix/plan.js'
import type {Persistence} from '../../../src/remedy/persistence.js'

const SHIM: FixAction[] = [
  {run: ['ip', 'link', 'add', 'lan-shim', 'link', 'eth0', 'type', 'macvlan', 'mode', 'bridge'], undo: ['ip', 'link', 'del', 'lan-shim']},
  {run: ['ip', 'addr', 'add', '192.168.1.223/32', 'dev', 'lan-shim'], undo: ['ip', 'link', 'del', 'lan-shim']},
  {run: ['ip', 'route', 'add', '192.168.1.192/27', 'dev', 'lan-shim'], undo: ['ip', 'link', 'del', 'lan-shim']},
]
const PARENT_UP: FixAction = {run: ['ip', 'link', 'set', 'eth0', 'up'], undo: ['ip', 'link', 'set', 'eth0', 'down']}

/** Records every argv; fails the ones whose line is in `failing` as `ip` does (exit 2). `undo` is the blocking runner rollback uses. */
function recorder(failing: string[] = []): {run: Runner; undo: UndoRunner; ran: string[]} {
  const ran: string[] = []
  const undo: UndoRunner = (argv) => {
    ran.push(argv.join(' '))
    return failing.includes(argv.join(' ')) ? {failure: 'RTNETLINK answers: File exists', exitCode: 2} : {exitCode: 0}
  }
  return {ran, undo, run: async (argv) => undo(argv)}
}

/**
 * A host as `ip` changes it: links (with their addresses, routes and up flag), and iproute2's own messages for a change
 * that is already there or a thing to delete that is not.
 */
class FakeIpHost {
  readonly facts = new Set<string>(['link eth0'])

  run(argv: string[]): RunResult {
    const [, object, verb, ...rest] = argv
    const fail = (failure: string) => ({failure, exitCode: 2})
    const device = (name = '') => (this.facts.has(`link ${name}`) ? undefined : fail(`Cannot find device "${name}"`))
    const add = (fact: string) => (this.facts.has(fact) ? fail('RTNETLINK answers: File exists') : (this.facts.add(fact), {exitCode: 0}))
    const del = (fact: string, absent: string) => (this.facts.delete(fact) ? {exitCode: 0} : fail(absent))
    if (object === 'link' && verb === 'add') return add(`link ${rest[0]}`)
    if (object === 'link' && verb === 'del') {
      const missing = device(rest[0])
      if (missing) return missing
      for (const fact of this.facts) if (fact.endsWith(` ${rest[0]}`)) this.facts.delete(fact)
      return {exitCode: 0}
    }
    if (object === 'link' && verb === 'set') return device(rest[0]) ?? (rest[1] === 'up' ? (this.facts.add(`up ${rest[0]}`), {exitCode: 0}) : (this.facts.delete(`up ${rest[0]}`), {exitCode: 0}))
    const [target, , dev] = rest
    if (object === 'addr') return device(dev) ?? (verb === 'add' ? add(`addr ${target} ${dev}`) : del(`addr ${target} ${dev}`, 'RTNETLINK answers: Cannot assign requested address'))
    if (object === 'route') return device(dev) ?? (verb === 'add' ? add(`route ${target} ${dev}`) : del(`route ${target} ${dev}`, 'RTNETLINK answers: No such process'))
    throw new Error(`the fake host does not know ${argv.join(' ')}`)
  }
}

const step = (id: string, runtime: FixAction[], subject = {network: 'lan', interface: 'eth0'}): FixStep => ({check: {id, code: 'MVD000', title: id, subject, message: '', outcome: 'warn'}, summary: '', runtime, manual: []})
const done = (actions: FixAction[]): JournalEntry[] => actions.map((action) => ({action, state: 'done'}))

describe('applying runtime actions', () => {
  it('runs them in order, records each before it runs, and stops at the first failure, reporting its error', async () => {
    const {run, ran} = recorder(['ip addr add 192.168.1.223/32 dev lan-shim'])
    const journal: JournalEntry[] = []
    // What an interrupt would find recorded while each command runs.
    const recordedWhileRunning: number[] = []
    const failed = await applyActions([PARENT_UP, ...SHIM], (argv) => (recordedWhileRunning.push(journal.length), run(argv)), journal)
    expect(recordedWhileRunning).toEqual([1, 2, 3])
    expect(ran).toEqual(['ip link set eth0 up', 'ip link add lan-shim link eth0 type macvlan mode bridge', 'ip addr add 192.168.1.223/32 dev lan-shim'])
    // `ip` said no: that change did not happen, so only the two before it are left to undo.
    expect(journal).toEqual(done([PARENT_UP, SHIM[0] as FixAction]))
    expect(failed).toEqual({command: 'ip addr add 192.168.1.223/32 dev lan-shim', error: 'RTNETLINK answers: File exists'})
  })

  it('keeps a change whose program was killed or timed out: it may have happened', async () => {
    const journal: JournalEntry[] = []
    await applyActions([PARENT_UP], async () => ({failure: 'timed out after 5000 ms'}), journal)
    expect(journal).toEqual([{action: PARENT_UP, state: 'started'}])
  })

  it('undoes in reverse, running an undo shared by several actions once', () => {
    const {undo, ran} = recorder()
    rollBack(done([PARENT_UP, ...SHIM]), undo)
    expect(ran).toEqual(['ip link del lan-shim', 'ip link set eth0 down'])
  })

  it('reports an undo that failed and still runs the rest', () => {
    const {undo, ran} = recorder(['ip link del lan-shim'])
    const results = rollBack(done([PARENT_UP, ...SHIM]), undo)
    expect(results).toEqual([{command: 'ip link del lan-shim', error: 'RTNETLINK answers: File exists'}, {command: 'ip link set eth0 down'}])
    expect(ran).toHaveLength(2)
  })

  it('runs a change two checks ask for once', () => {
    expect(uniqueActions([step('parent-down', [PARENT_UP]), step('other', [PARENT_UP, SHIM[0] as FixAction])])).toEqual([PARENT_UP, SHIM[0]])
  })
})

describe('an interrupt at every step of an apply leaves the host as it was', () => {
  const actions = [PARENT_UP, ...SHIM]
  const original = () => new FakeIpHost()

  describe.each([
    ['has just taken effect', true],
    ['has not taken effect yet', false],
  ])('while the change %s', (_when, tookEffect) => {
    it.each(actions.map((action, index) => [index, action.run.join(' ')] as const))('interrupted at step %i (%s)', async (interruptedAt) => {
      const host = original()
      host.facts.delete('up eth0')
      const before = [...host.facts].sort()
      const journal: JournalEntry[] = []
      let undone: CommandResult[] = []
      let calls = 0
      // The apply never returns: the process exits right after the handler.
      void applyActions(
        actions,
        (argv) => {
          if (calls++ < interruptedAt) return Promise.resolve(host.run(argv))
          if (tookEffect) host.run(argv)
          // What the signal handler does, while this command's promise never settles.
          undone = rollBack(journal.splice(0), (undo) => host.run(undo))
          return new Promise<never>(() => undefined)
        },
        journal,
      )
      await new Promise((resolve) => setImmediate(resolve))
      expect(undone.length).toBeGreaterThan(0)
      expect([...host.facts].sort()).toEqual(before)
      expect(undone.filter((result) => result.error)).toEqual([])
    })
  })
})

describe('undoing a change that may not have happened', () => {
  it('is harmless when there is nothing to take back, and says so', () => {
    const host = new FakeIpHost()
    const results = rollBack([{action: SHIM[0] as FixAction, state: 'started'}], (argv) => host.run(argv))
    expect(results).toEqual([{command: 'ip link del lan-shim', nothingToUndo: true}])
  })

  it('does not hide a real failure: a change known to be done whose undo finds nothing, or an undo refused for another reason', () => {
    const host = new FakeIpHost()
    expect(rollBack(done([SHIM[0] as FixAction]), (argv) => host.run(argv))).toEqual([{command: 'ip link del lan-shim', error: 'Cannot find device "lan-shim"'}])
    expect(rollBack([{action: SHIM[0] as FixAction, state: 'started'}], () => ({failure: 'RTNETLINK answers: Operation not permitted', exitCode: 2}))).toEqual([{command: 'ip link del lan-shim', error: 'RTNETLINK answers: Operation not permitted'}])
  })

  it('counts an undo shared with a change known to be done as certain', () => {
    const host = new FakeIpHost()
    const journal: JournalEntry[] = [{action: SHIM[0] as FixAction, state: 'done'}, {action: SHIM[1] as FixAction, state: 'started'}]
    expect(rollBack(journal, (argv) => host.run(argv))).toEqual([{command: 'ip link del lan-shim', error: 'Cannot find device "lan-shim"'}])
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
  it("writes a unit's enable link, leaves one already in place, refuses anything else at its path, and restores it all", async () => {
    dir = mkdtempSync(join(tmpdir(), 'mvd-persist-'))
    const unit = join(dir, 'shim.service')
    const link = join(dir, 'multi-user.target.wants', 'shim.service')
    const written: WrittenFile[] = []
    const enabled: Persistence[] = [{manager: 'systemd-unit', reason: 'test', files: [{path: unit, content: '[Unit]\n'}], links: [{path: link, target: unit}], activate: []}]
    await writePersistence(enabled, '20260101T000000Z', written)
    expect(readlinkSync(link)).toBe(unit)
    await writePersistence(enabled, '20260101T000001Z', [])
    expect(readlinkSync(link)).toBe(unit)
    restoreFiles(written)
    expect(readdirSync(dir)).toEqual([])
    mkdirSync(dirname(link))
    writeFileSync(link, 'not a link\n')
    await expect(writePersistence(enabled, '20260101T000002Z', [])).rejects.toThrow(`${link} exists and is not a link to ${unit}`)
    expect(readFileSync(link, 'utf8')).toBe('not a link\n')
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
