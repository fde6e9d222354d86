import {describe, expect, it} from 'vitest'

import {portsIgnored} from '../../../src/rules/ports-ignored.js'
import {fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

describe('ports-ignored', () => {
  it('warns on the lab container started with -p 8080:80 and names its own address', () => {
    const [result] = judge(portsIgnored, fixture('published-ports'))
    expect(result).toMatchObject({outcome: 'warn', subject: {network: 'lan', container: 'web'}})
    expect(result?.message).toContain('web publishes 8080->80/tcp, which macvlan ignores')
    expect(result?.message).toContain('192.168.77.192')
  })

  it('passes containers without published ports', () => {
    expect(judge(portsIgnored, fixture('healthy')).map((result) => result.outcome)).toEqual(['pass', 'pass'])
  })
})
