/** The in-process ICMP sweep, against loopback only (the one address a unit test may send to). */
import {describe, expect, it} from 'vitest'

import {icmpSweep} from '../../../src/probe/icmp-sweep.js'

describe.skipIf(process.getuid?.() !== 0)('icmpSweep (needs CAP_NET_RAW and the raw-socket addon)', () => {
  it('gets an echo reply with an RTT from 127.0.0.1, matching replies to requests', async () => {
    const rtts = await icmpSweep(['127.0.0.1', '127.0.0.2'], 1000)
    if (!(rtts instanceof Map)) throw new Error(`no sweep: ${rtts.fallback}`)
    expect([...rtts.keys()].sort()).toEqual(['127.0.0.1', '127.0.0.2'])
    expect(rtts.get('127.0.0.1')).toBeGreaterThanOrEqual(0)
  })

  it('returns at once for no targets', async () => {
    expect(await icmpSweep([], 1000)).toEqual(new Map())
  })
})
