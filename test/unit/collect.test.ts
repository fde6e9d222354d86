import {describe, expect, it} from 'vitest'

import {classifyDockerFailure, collectContainerViews} from '../../src/collect/docker.js'
import {CollectFailure, run, toSlice} from '../../src/collect/command-output.js'
import {mapLimit} from '../../src/exec/fan-out.js'
import {capabilitiesOf} from '../../src/collect/host.js'

describe('running commands', () => {
  it('names the package to install when a tool is missing', async () => {
    const error = await run('surely-not-installed-tool', [], {timeoutMs: 1000}).catch((caught: unknown) => caught)
    expect(error).toMatchObject({code: 'missing-tool', message: '`surely-not-installed-tool` is not installed or not on PATH'})
    expect((await run('ip', ['-V'], {timeoutMs: 5000})).length).toBeGreaterThan(0)
  })

  it('stops a command at its time limit and says so', async () => {
    const slice = await toSlice(() => run('sleep', ['5'], {timeoutMs: 100}))
    expect(slice).toEqual({error: {code: 'timeout', message: '`sleep 5` did not finish in time', hint: 'Raise --timeout, or check why the command hangs.'}})
  })

  it('keeps the first stderr line of a failed command', async () => {
    const slice = await toSlice(() => run('ip', ['link', 'show', 'dev', 'no-such-link0'], {timeoutMs: 5000}))
    expect(slice).toMatchObject({error: {code: 'command-failed', message: expect.stringContaining('`ip link show dev no-such-link0` failed: Device "no-such-link0" does not exist.')}})
  })

  it('runs at most `limit` workers at once and keeps the input order', async () => {
    let inFlight = 0
    let peak = 0
    const results = await mapLimit([30, 10, 20, 5, 15], 2, async (ms) => {
      peak = Math.max(peak, ++inFlight)
      await new Promise((resolve) => setTimeout(resolve, ms))
      inFlight--
      return ms * 2
    })
    expect(results).toEqual([60, 20, 40, 10, 30])
    expect(peak).toBe(2)
  })
})

describe('Docker failures', () => {
  it.each([
    ['Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?', 'docker-unreachable', /systemctl start docker/],
    ['permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock', 'docker-permission', /docker group/],
  ])('classifies "%s"', (stderr, code, hint) => {
    const failure = classifyDockerFailure(new CollectFailure('command-failed', `\`docker version\` failed: ${stderr}`))
    expect(failure.code).toBe(code)
    expect(failure.hint).toMatch(hint)
  })

  it('reports a container that exited mid-collection as gone, without failing the others', async () => {
    const gone = {id: 'abc', name: 'web', status: 'running', running: true, pid: 999_999_999, networks: [], publishedPorts: []}
    const views = await collectContainerViews([gone], 4, {timeoutMs: 5000})
    expect(views.abc).toEqual({error: {code: 'container-gone', message: 'container web stopped while it was being inspected', hint: 'Run macvlan doctor again.'}})
  })
})

describe('capabilities', () => {
  it('reads CAP_NET_ADMIN and CAP_NET_RAW from CapEff', () => {
    expect(capabilitiesOf('CapEff:\t000001ffffffffff\n')).toEqual({capNetAdmin: true, capNetRaw: true})
    expect(capabilitiesOf('CapEff:\t0000000000001000\n')).toEqual({capNetAdmin: true, capNetRaw: false})
    expect(capabilitiesOf('CapEff:\t0000000000000000\n')).toEqual({capNetAdmin: false, capNetRaw: false})
  })
})

describe('the host root (MACVLAN_DOCTOR_HOST_ROOT, set by the container image)', () => {
  it("reads the host's /etc from below it and still names the host's own paths", async () => {
    const {mkdtempSync, mkdirSync, writeFileSync} = await import('node:fs')
    const {tmpdir} = await import('node:os')
    const {join} = await import('node:path')
    const {collectHost} = await import('../../src/collect/host.js')
    const root = mkdtempSync(join(tmpdir(), 'mvd-host-root-'))
    mkdirSync(join(root, 'etc', 'netplan'), {recursive: true})
    writeFileSync(join(root, 'etc', 'netplan', '01-lan.yaml'), 'network: {version: 2}\n')
    writeFileSync(join(root, 'etc', 'os-release'), 'PRETTY_NAME="Host Linux 9"\n')
    const previous = process.env.MACVLAN_DOCTOR_HOST_ROOT
    process.env.MACVLAN_DOCTOR_HOST_ROOT = root
    try {
      const host = await collectHost({timeoutMs: 5000})
      expect(host.os).toBe('Host Linux 9')
      expect(host.networkManagers).toContain('netplan')
    } finally {
      if (previous === undefined) delete process.env.MACVLAN_DOCTOR_HOST_ROOT
      else process.env.MACVLAN_DOCTOR_HOST_ROOT = previous
    }
  })
})

describe("the namespace a container's probes enter", () => {
  it("is the task's /proc entry when Docker's sandbox path is not visible (the image sees only the host's /proc)", async () => {
    const {namespacePathOf} = await import('../../src/model/host-model.js')
    const container = {sandboxKey: '/var/run/docker/netns/not-mounted-here', pid: 4242} as Parameters<typeof namespacePathOf>[0]
    expect(namespacePathOf(container)).toBe('/proc/4242/ns/net')
    expect(namespacePathOf({...container, sandboxKey: '/proc/self/ns/net'})).toBe('/proc/self/ns/net')
  })
})
