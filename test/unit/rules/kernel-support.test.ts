import {describe, expect, it} from 'vitest'

import {kernelSupport} from '../../../src/rules/kernel-support.js'
import {fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

describe('kernel-support', () => {
  it.each([
    ['3.2.0-4-amd64', 'fail'],
    ['3.10.0-1160.el7.x86_64', 'warn'],
    ['4.0.0', 'pass'],
    ['5.15.0-91-generic', 'pass'],
    ['6.18.44-fc-v657', 'pass'],
  ])('%s → %s', (kernel, outcome) => {
    expect(judge(kernelSupport, {host: {kernel}})[0]?.outcome).toBe(outcome)
  })

  it('passes the lab kernel', () => {
    expect(judge(kernelSupport, fixture('healthy'))[0]?.outcome).toBe('pass')
  })
})
