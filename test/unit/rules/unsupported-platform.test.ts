import {describe, expect, it} from 'vitest'

import {evaluateRules} from '../../../src/engine/evaluate.js'
import {RULES} from '../../../src/rules/index.js'
import {unsupportedPlatform} from '../../../src/rules/unsupported-platform.js'
import {fixture} from '../../helpers/fixtures.js'
import {snapshotOf} from '../../helpers/examples.js'
import {judge} from '../../helpers/judge.js'

describe('unsupported-platform', () => {
  it.each([
    [{docker: {desktop: true}}, /Docker Desktop runs containers in its own VM/],
    [{docker: {rootless: true}}, /rootless Docker cannot create macvlan links/],
    [{docker: {os: 'windows'}}, /runs on windows/],
    [{host: {virtualization: {type: 'wsl', source: '/proc/sys/kernel/osrelease'}}}, /under WSL2/],
  ])('fails %j', (host, message) => {
    const [result] = judge(unsupportedPlatform, host)
    expect(result?.outcome).toBe('fail')
    expect(result?.message).toMatch(message)
  })

  it('stops every other rule, so no misleading verdict follows', () => {
    const results = evaluateRules(RULES, snapshotOf({docker: {desktop: true}, links: [{name: 'eth0'}], networks: [{name: 'lan', parent: 'eth9'}]}))
    expect(results[0]?.outcome).toBe('fail')
    expect(results.slice(1).every((result) => result.outcome === 'skip' && result.skipKind === 'not-applicable')).toBe(true)
  })

  it('passes the lab engine and skips when Docker was unreachable', () => {
    expect(judge(unsupportedPlatform, fixture('healthy'))[0]?.outcome).toBe('pass')
    const built = fixture('healthy')
    built.docker = {error: {code: 'docker-unreachable', message: 'the Docker daemon is not reachable'}}
    expect(judge(unsupportedPlatform, built)[0]).toMatchObject({outcome: 'skip', skipKind: 'missing-data'})
  })
})
