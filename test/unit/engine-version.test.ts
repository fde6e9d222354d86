import {describe, expect, it} from 'vitest'

import {ENGINE, engineAtLeast, engineBetween, engineVersion} from '../../src/model/engine.js'
import type {DockerEngine} from '../../src/snapshot/types.js'

const engine = (serverVersion: string) => ({serverVersion}) as DockerEngine

describe('the engine version', () => {
  it('reads distribution and pre-release suffixes as the release they belong to', () => {
    expect(engineVersion(engine('26.1.5+dfsg1'))).toEqual([26, 1, 5])
    expect(engineVersion(engine('29.0.0-rc.2'))).toEqual([29, 0, 0])
    expect(engineVersion(engine('20.10'))).toEqual([20, 10, 0])
  })

  it('claims nothing about an engine whose version is unknown or missing', () => {
    expect(engineAtLeast(engine('unknown'), ENGINE.randomMacs)).toBeUndefined()
    expect(engineAtLeast(undefined, ENGINE.randomMacs)).toBeUndefined()
    expect(engineBetween(engine('unknown'), ENGINE.parentDownStartFailure)).toBe(false)
  })

  it('compares numerically, part by part', () => {
    expect(engineAtLeast(engine('27.10.0'), ENGINE.randomMacs)).toBe(false)
    expect(engineAtLeast(engine('28.0.0'), ENGINE.randomMacs)).toBe(true)
    expect(engineAtLeast(engine('100.0.0'), ENGINE.randomMacs)).toBe(true)
    expect(['28.0.0', '28.0.1', '28.0.4', '28.1.0'].map((version) => engineBetween(engine(version), ENGINE.parentDownStartFailure))).toEqual([false, true, true, false])
  })
})
