import {describe, expect, it} from 'vitest'

import {evaluateRules} from '../../../src/engine/evaluate.js'
import {DEFAULT_SETTINGS} from '../../../src/engine/types.js'
import {HostModel} from '../../../src/model/host-model.js'
import {changeOf, setAside, suspects} from '../../../src/probe/recheck.js'
import type {ProbeRecord} from '../../../src/probe/types.js'
import {RULES} from '../../../src/rules/index.js'
import type {DockerContainer} from '../../../src/snapshot/types.js'
import {snapshotOf} from '../../helpers/examples.js'

const view = (ip: string) => ({
  addresses: [{ifname: 'eth0', family: 'inet' as const, local: ip, prefixlen: 24, scope: 'global'}],
  routes: [{table: 'main', type: 'unicast', dst: 'default', gateway: '192.168.1.1', dev: 'eth0'}],
})

const snapshot = snapshotOf({
  links: [{name: 'eth0', address: '192.168.1.10/24'}],
  networks: [{name: 'lan', parent: 'eth0', ipRange: '192.168.1.192/27'}],
  containers: [
    {name: 'web', network: 'lan', ip: '192.168.1.192', pid: 100, startedAt: '2025-12-31T00:00:00Z'},
    {name: 'db', network: 'lan', ip: '192.168.1.193', pid: 200, startedAt: '2025-12-31T00:00:00Z'},
  ],
  views: {web: view('192.168.1.192'), db: view('192.168.1.193')},
})
const model = new HostModel(snapshot)
const containers = 'data' in snapshot.containers ? snapshot.containers.data : []
const [, db] = containers as [DockerContainer, DockerContainer]

const record = (purpose: ProbeRecord['purpose'], container: string, target: string, outcome: ProbeRecord['outcome']): ProbeRecord => ({
  purpose,
  kind: 'icmp',
  from: {namespace: purpose === 'host-to-container' ? 'host' : container},
  target,
  network: 'lan',
  container,
  outcome,
  command: 'ping',
})

// db was removed mid-run: web's ping to its peer db and the host's ping to db went unanswered.
const records = [
  record('container-to-gateway', 'web', '192.168.1.1', 'reply'),
  record('container-to-peer', 'web', '192.168.1.193', 'no-reply'),
  record('container-to-gateway', 'db', '192.168.1.1', 'error'),
  record('host-to-container', 'web', '192.168.1.192', 'reply'),
  record('host-to-container', 'db', '192.168.1.193', 'no-reply'),
]

describe('containers that change under the run', () => {
  it('reads again every container a probe failed from or to, and no other', () => {
    expect(suspects(model, records).map((container) => container.name).sort()).toEqual(['db', 'web'])
    expect(suspects(model, records.filter((candidate) => candidate.outcome === 'reply'))).toEqual([])
  })

  it('tells removed, stopped, restarted and disconnected containers from ones that did not change', () => {
    expect(changeOf(db, undefined, undefined)).toBe('db was removed while it was probed')
    expect(changeOf(db, {...db, running: false, pid: 0, status: 'exited'}, undefined)).toBe('db stopped while it was probed (now exited)')
    expect(changeOf(db, {...db, status: 'restarting', pid: 0}, undefined)).toBe('db stopped while it was probed (now restarting)')
    expect(changeOf(db, {...db, pid: 201, startedAt: '2026-01-01T00:00:01Z'}, undefined)).toBe('db was restarted while it was probed')
    expect(changeOf(db, db, {data: {links: [], addresses: [], routes: [], neighbours: []}})).toBe('db lost 192.168.1.193 (lan) while it was probed (disconnected from its network?)')
    expect(changeOf(db, db, {data: {links: [], ...view('192.168.1.193'), neighbours: []}})).toBeUndefined()
  })

  it('sets aside only the failed probes from or to a changed container, and says what happened, also to its peer', () => {
    const {records: kept, skipped} = setAside(model, records, new Map([['db', 'db was removed while it was probed']]))
    expect(kept.map((entry) => `${entry.purpose} ${entry.container}`)).toEqual(['container-to-gateway web', 'host-to-container web'])
    expect(skipped).toEqual([
      {probe: 'container db', reason: 'db was removed while it was probed', purposes: ['host-to-container', 'container-to-gateway', 'container-to-gateway6', 'container-to-host', 'container-to-peer'], container: 'db'},
      {probe: 'container web', reason: 'its peer db was removed while it was probed', purposes: ['container-to-peer'], container: 'web'},
    ])
  })

  it('gives no failure for a container removed mid-run: the report says it was removed', () => {
    const before = evaluateRules(RULES, snapshot, DEFAULT_SETTINGS, {startedAt: 'now', durationMs: 1, timeoutMs: 1000, icmpEngine: 'ping', records, skipped: []})
    expect(before.filter((check) => check.outcome === 'fail').map((check) => check.id)).toEqual(expect.arrayContaining(['container-route']))
    const {records: kept, skipped} = setAside(model, records, new Map([['db', 'db was removed while it was probed']]))
    const after = evaluateRules(RULES, snapshot, DEFAULT_SETTINGS, {startedAt: 'now', durationMs: 1, timeoutMs: 1000, icmpEngine: 'ping', records: kept, skipped})
    expect(after.filter((check) => check.outcome === 'fail')).toEqual([])
    const route = after.filter((check) => check.id === 'container-route')
    expect(route.find((check) => check.subject.container === 'db')).toMatchObject({outcome: 'skip', skipKind: 'missing-data'})
    expect(route.find((check) => check.subject.container === 'db')?.message).toContain('db was removed while it was probed')
    expect(route.find((check) => check.subject.container === 'web')?.outcome).toBe('pass')
    expect(after.find((check) => check.id === 'host-isolation')?.message).toContain('db was removed while it was probed')
  })
})
