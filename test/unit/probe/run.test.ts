import {describe, expect, it} from 'vitest'

import {HostModel} from '../../../src/model/host-model.js'
import {runProbes} from '../../../src/probe/run.js'
import {fixture} from '../../helpers/fixtures.js'

/** Nothing is sent in these tests, so nothing is read again. */
const reread = {containers: () => Promise.reject(new Error('not read again')), views: () => Promise.reject(new Error('not read again'))}

describe('runProbes without the means to probe', () => {
  it('sends nothing and says, per probe, what is missing and what to install', async () => {
    const snapshot = fixture('healthy')
    if (!('data' in snapshot.host)) throw new Error('fixture without host')
    snapshot.host.data.privileges = {uid: 1000, capNetAdmin: false, capNetRaw: false}
    snapshot.host.data.tools = {...snapshot.host.data.tools, ping: false, arping: false}
    const results = await runProbes(new HostModel(snapshot), {waitMs: 100, concurrency: 4, dhcpWaitMs: 100, reread, now: () => new Date(0)})
    expect(results.records).toEqual([])
    expect(results.skipped).toEqual(
      expect.arrayContaining([
        {probe: 'ping', reason: 'ping is not installed', hint: 'Install iputils-ping.', purposes: ['host-to-container', 'host-to-gateway', 'container-to-gateway', 'container-to-host', 'container-to-peer']},
        {probe: 'arping', reason: 'arping is not installed', hint: 'Install iputils-arping.', purposes: ['mac-filter-host', 'mac-filter-scratch', 'address-owners', 'dhcp-discover', 'duplicate-address']},
        {probe: 'namespaces', reason: 'entering namespaces needs root', hint: 'Run as root (sudo macvlan doctor).', purposes: ['container-to-gateway', 'container-to-host', 'container-to-peer', 'mac-filter-host', 'mac-filter-scratch', 'address-owners', 'dhcp-discover', 'duplicate-address']},
        {probe: 'scratch', reason: 'a throw-away macvlan needs CAP_NET_ADMIN', hint: 'Run as root (sudo macvlan doctor).', purposes: ['mac-filter-host', 'mac-filter-scratch', 'address-owners', 'dhcp-discover']},
      ]),
    )
  })

  it('leaves out what it was not asked to send: a probe not wanted was not kept back', async () => {
    const snapshot = fixture('healthy')
    if (!('data' in snapshot.host)) throw new Error('fixture without host')
    snapshot.host.data.tools = {...snapshot.host.data.tools, ping: false, arping: false}
    const results = await runProbes(new HostModel(snapshot), {waitMs: 100, concurrency: 4, dhcpWaitMs: 100, reread, now: () => new Date(0), purposes: new Set(['host-to-container'])})
    expect(results.skipped).toEqual([{probe: 'ping', reason: 'ping is not installed', hint: 'Install iputils-ping.', purposes: ['host-to-container']}])
  })
})
