/**
 * Docker accepts any network name and the kernel accepts `$ ( ) ; > \` ' "` and ESC in interface names: none of them may
 * turn a printed command, a unit or an ifupdown stanza into someone else's command. The commands are run for real by
 * sh (and the stanza by ifup) as root, in private mount and network namespaces with a tmpfs over /etc: nothing reaches
 * the machine's own /etc or network.
 */
import {mkdtempSync, readdirSync, rmSync, writeFileSync, chmodSync, mkdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {execa} from 'execa'
import {afterAll, describe, expect, it} from 'vitest'

import {evaluateRules} from '../../src/engine/evaluate.js'
import {buildReport} from '../../src/engine/report.js'
import {buildFixPlan} from '../../src/fix/plan.js'
import {renderFix} from '../../src/fix/render.js'
import {shellLine} from '../../src/exec/quote.js'
import {HostModel} from '../../src/model/host-model.js'
import {persistenceCommands, unitWord} from '../../src/remedy/persistence.js'
import {RULES} from '../../src/rules/index.js'
import {shimName} from '../../src/remedy/shim.js'
import type {Snapshot} from '../../src/snapshot/types.js'
import {snapshotOf, type HostExample} from '../helpers/examples.js'

/** Each would create a file named pw… if a shell ever read it as code. */
const HOSTILE = ['$(>pwned)', 'a;>pw2;b', '`>pw3`', 'x\n>pw4\n', '\u001B]0;title\u0007', `q'>pw5'"`, 'a b|tee pw6']

/**
 * A host whose network `name` isolates the host from its container; the parent `parent` is configured by `manager`.
 * With no `ipRange` (null) the shim's address is inside Docker's range, and the fix prints the recreation that reserves it.
 */
function hostile(name: string, manager: 'ifupdown' | 'none', parent = 'eth0', ipRange: string | null = '192.168.1.192/27'): Snapshot {
  const host: HostExample = {
    links: [{name: parent}],
    routes: [{dst: '192.168.1.0/24', dev: parent}],
    networks: [{name, parent, ...(ipRange ? {ipRange} : {})}],
    // Started with --ip: the recreation attaches it again with that address.
    containers: [{name: 'web', network: name, networks: [{name, networkId: `id-${name}`, ipv4: '192.168.1.192', prefixlen: 24, requestedIpv4: '192.168.1.192'}]}],
    netConfig: manager === 'ifupdown' ? {mentions: {[parent]: ['/etc/network/interfaces']}} : {},
  }
  return snapshotOf(host)
}

function planFor(snapshot: Snapshot) {
  const report = buildReport(snapshot, evaluateRules(RULES, snapshot), {tool: {name: 'macvlan-doctor', version: 'test'}, command: ['macvlan', 'fix'], generatedAt: '2026-01-01T00:00:00.000Z', replay: false})
  // ARP proved the shim's address free, so the runtime part is not held back.
  const proofs = report.checks.flatMap((check) => (check.fix?.freeAddress ? [{...check.fix.freeAddress, verdict: 'free' as const, detail: 'no answer'}] : []))
  return {report, plan: buildFixPlan(report, new HostModel(snapshot), proofs)}
}

/** Every line `macvlan fix` prints for a person to paste, in order. */
function printedLines(snapshot: Snapshot): string[] {
  const {report, plan} = planFor(snapshot)
  return [
    ...report.checks.flatMap((check) => [...(check.evidence?.commands ?? []), ...(check.fix?.commands ?? [])]),
    ...plan.steps.flatMap((step) => step.runtime.map((action) => shellLine(action.run))),
    ...plan.persistence.flatMap((entry) => persistenceCommands(entry.persistence)),
  ]
}

const scratch: string[] = []
afterAll(() => {
  for (const directory of scratch) rmSync(directory, {recursive: true, force: true})
})

/** A directory of stand-ins for the programs the printed commands call: each records its argv and succeeds. */
function recordingPath(): {bin: string; log: string; work: string} {
  const root = mkdtempSync(join(tmpdir(), 'mvd-hostile-'))
  scratch.push(root)
  const bin = join(root, 'bin')
  const work = join(root, 'work')
  mkdirSync(bin)
  mkdirSync(work)
  const log = join(root, 'argv.log')
  for (const program of ['ip', 'docker', 'systemctl', 'nmcli', 'ifup', 'networkctl', 'grep', 'nsenter', 'bridge', 'ethtool', 'cat', 'ls', 'uname', 'modinfo', 'lsmod', 'sysctl', 'iw', 'nft', 'iptables', 'journalctl']) {
    const stub = join(bin, program)
    // One record per call: the argv words NUL-separated, then a line feed after a final NUL.
    writeFileSync(stub, `#!/bin/sh\nprintf '%s\\0' ${program} "$@" >> "$ARGV_LOG"\nprintf '\\n' >> "$ARGV_LOG"\n`)
    chmodSync(stub, 0o755)
  }
  return {bin, log, work}
}

async function asRoot(script: string, args: string[], env: Record<string, string> = {}) {
  return execa('unshare', ['--mount', '--net', '--propagation', 'private', 'sh', '-c', script, 'sh', ...args], {reject: false, all: true, env})
}

describe('names derived from a Docker network name', () => {
  it.each(HOSTILE.map((name) => [JSON.stringify(name), name]))('gives %s a shim of plain characters, at most 15 bytes', (_shown, name) => {
    const shim = shimName({network: {name}} as Parameters<typeof shimName>[0])
    expect(shim).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]*-shim$/)
    expect(Buffer.byteLength(shim)).toBeLessThanOrEqual(15)
  })

  it('keeps a short plain name, and gives two long names that share a prefix two shims', () => {
    const name = (network: string) => shimName({network: {name: network}} as Parameters<typeof shimName>[0])
    expect(name('lan')).toBe('lan-shim')
    expect(name('production-a')).not.toBe(name('production-b'))
    expect(name('production-a')).toMatch(/^prod-[0-9a-f]{5}-shim$/)
  })
})

describe('every command printed for a hostile network name, run by sh', () => {
  it.each(HOSTILE.map((name) => [JSON.stringify(name), name]))('%s stays one word and runs nothing of its own', async (_shown, name) => {
    const lines = [...printedLines(hostile(name, 'ifupdown', 'eth0', null)), ...printedLines(hostile(name, 'none', 'eth0', null)), ...printedLines(hostile(name, 'none'))]
    expect(lines.some((line) => line.startsWith('docker network rm'))).toBe(true)
    // Each line must stand alone as the shell reads it: checked side by side, as there are a hundred or more.
    const distinct = [...new Set(lines)]
    const parsed = await Promise.all(distinct.map((line) => execa('sh', ['-n', '-c', line], {reject: false})))
    distinct.forEach((line, index) => expect(parsed[index]?.exitCode, line).toBe(0))
    const {bin, log, work} = recordingPath()
    // A tmpfs over /etc takes what the printed lines write there; the namespaces are thrown away with the shell.
    const script = 'mount -t tmpfs tmpfs /etc && cd "$1" && PATH="$2:$PATH" && export ARGV_LOG="$3" && sh -e "$4" >/dev/null && find /etc -type f | sort'
    const file = join(work, '..', 'printed.sh')
    writeFileSync(file, `${lines.join('\n')}\n`)
    const result = await asRoot(script, [work, bin, log, file])
    expect(result.exitCode, result.all).toBe(0)
    expect(readdirSync(work)).toEqual([])
    const calls = (await execa('cat', [log])).stdout.split('\0\n').filter(Boolean).map((record) => record.split('\0'))
    expect(calls).toContainEqual(['docker', 'network', 'rm', name])
    expect(calls).toContainEqual(['docker', 'network', 'disconnect', name, 'web'])
    expect(calls).toContainEqual(['docker', 'network', 'connect', '--ip', '192.168.1.192', name, 'web'])
    const create = calls.find((argv) => argv[1] === 'network' && argv[2] === 'create')
    expect(create?.at(-1)).toBe(name)
    const shim = shimName({network: {name}} as Parameters<typeof shimName>[0])
    expect(calls).toContainEqual(['ip', 'link', 'add', shim, 'link', 'eth0', 'type', 'macvlan', 'mode', 'bridge'])
    expect(result.stdout.split('\n')).toEqual([`/etc/network/interfaces.d/${shim}`, `/etc/systemd/system/macvlan-shim-${shim}.service`])
  })
})

describe('the ifupdown stanza for a hostile network name, brought up by ifup', () => {
  it.each(HOSTILE.map((name) => [JSON.stringify(name), name]))('%s: ifup creates the shim, and nothing else happens', async (_shown, name) => {
    const {plan} = planFor(hostile(name, 'ifupdown'))
    const [file] = plan.persistence[0]?.persistence.files ?? []
    expect(file?.path).toMatch(/^\/etc\/network\/interfaces\.d\//)
    const {work} = recordingPath()
    const stanza = join(work, '..', 'stanza')
    writeFileSync(stanza, file?.content ?? '')
    // In namespaces of its own: eth0 is a dummy there, /etc/network and /run/network are tmpfs.
    const script = [
      'set -e',
      'mount -t tmpfs tmpfs /etc/network && mount -t tmpfs tmpfs /run && mkdir /run/network',
      'cd /etc/network && mkdir interfaces.d if-pre-up.d if-up.d if-down.d if-post-down.d && cp "$2" "interfaces.d/$3"',
      'printf "source /etc/network/interfaces.d/*\\n" > /etc/network/interfaces',
      'ip link add eth0 type veth peer name eth0-peer && ip link set eth0-peer up && ip link set eth0 up',
      'cd "$1" && ifup "$3"',
      'ip -o link show type macvlan | cut -d: -f2 | cut -d@ -f1',
      'ip -4 -o addr show dev "$3" | cut -d" " -f7',
      'ip route show dev "$3"',
    ].join('\n')
    const shim = shimName({network: {name}} as Parameters<typeof shimName>[0])
    const result = await asRoot(script, [work, stanza, shim])
    expect(result.exitCode, result.all).toBe(0)
    expect(result.stdout.split('\n').map((line) => line.trim())).toEqual([shim, '192.168.1.254/32', '192.168.1.192/27 scope link'])
    expect(readdirSync(work)).toEqual([])
  })
})

describe('names read from the host that no file can hold', () => {
  // The kernel takes all of these as interface names.
  const PARENTS = ['e$(>pw7)', 'e;>pw8', 'e`>pw9`', "e'q", 'e"q', 'e\\q', 'e\u001Bq', 'e%iq', 'e*']

  it.each(PARENTS.map((parent) => [JSON.stringify(parent), parent]))('a parent named %s: persistence is refused with the reason, and nothing is written', (_shown, parent) => {
    const {plan} = planFor(hostile('lan', 'ifupdown', parent))
    const [entry] = plan.persistence
    expect(entry?.persistence.files).toEqual([])
    expect(entry?.persistence.refused).toBe(`the parent name ${JSON.stringify(parent)} is not made of letters, digits, '_', '.' and '-' (at most 15), so no configuration file can name it safely: rename the interface`)
    expect(renderFix({plan}, 'table')).toMatch(/\nShim lan-shim on \S+: nothing can be written for it \(the parent name /)
    // The runtime part runs without a shell; printed, every word is quoted.
    expect(plan.steps[0]?.runtime[0]?.run).toEqual(['ip', 'link', 'add', 'lan-shim', 'link', parent, 'type', 'macvlan', 'mode', 'bridge'])
  })
})

describe('ExecStart words, quoted the way systemd reads them', () => {
  it('leaves plain words alone, and doubles $ and %, escapes quotes, backslashes and control characters', () => {
    expect(['ip', 'link', 'add', 'lan-shim', '192.168.1.223/32'].map(unitWord).join(' ')).toBe('ip link add lan-shim 192.168.1.223/32')
    expect(unitWord('$(x) %i')).toBe('"$$(x) %%i"')
    expect(unitWord('a"b\\c\u001Bd;e')).toBe('"a\\"b\\\\c\\x1bd;e"')
  })
})
