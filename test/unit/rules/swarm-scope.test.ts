import {describe, expect, it} from 'vitest'

import {swarmScope} from '../../../src/rules/swarm-scope.js'
import {fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

describe('swarm-scope', () => {
  it('fails a swarm network without --config-from', () => {
    expect(judge(swarmScope, {networks: [{name: 'swarm-lan', scope: 'swarm', parent: 'eth0'}]})[0]?.message).toContain('has no --config-from')
  })

  it('reminds that ranges must differ per node when the config is here', () => {
    const [result] = judge(swarmScope, {networks: [{name: 'cfg', parent: 'eth0', configOnly: true}, {name: 'swarm-lan', scope: 'swarm', configFrom: 'cfg'}]})
    expect(result?.message).toContain("each node's range must differ")
  })

  it('has nothing to judge on a local-only host (the lab)', () => {
    expect(judge(swarmScope, fixture('healthy'))[0]).toMatchObject({outcome: 'skip', skipKind: 'not-applicable'})
  })
})
