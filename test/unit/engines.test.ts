/**
 * The lab captures every scenario on Debian 12's Docker 20.10 (NAME.json) and Debian 13's 26.1 (NAME.docker-26.1.json):
 * the same host on two engines must give the same verdicts, and each fixture says which engine made it.
 */
import {readdirSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {parseContainers, parseEngine, parseNetworks} from '../../src/collect/parse-docker.js'
import {parseAddresses} from '../../src/collect/parse-iproute.js'
import {evaluateRules} from '../../src/engine/evaluate.js'
import {RULES} from '../../src/rules/index.js'
import type {Snapshot} from '../../src/snapshot/types.js'
import {fixture, raw} from '../helpers/fixtures.js'

const NEWER = '.docker-26.1'
const names = readdirSync(new URL('../../fixtures/snapshots/', import.meta.url)).map((file) => file.replace(/\.json$/, ''))
const pairs = names.filter((name) => !name.includes('.') && names.includes(`${name}${NEWER}`))

const verdicts = (snapshot: Snapshot) =>
  evaluateRules(RULES, snapshot)
    .map((check) => `${check.id} ${JSON.stringify(check.subject)} ${check.outcome}`)
    .sort()

describe('lab fixtures on both engines', () => {
  it('covers every scenario on both engines', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(15)
  })

  it.each(pairs)('%s gives the same verdicts on Docker 20.10 and 26.1', (name) => {
    expect(verdicts(fixture(`${name}${NEWER}`))).toEqual(verdicts(fixture(name)))
  })

  it.each(names)('%s records the engine it was captured on, with its exact version', (name) => {
    const snapshot = fixture(name)
    const match = /^lab scenario "[^"]+" on (docker-[\d.]+) \(Docker Engine ([^,]+), Debian \d+ \(\w+\)'s docker\.io\)/.exec(snapshot.origin ?? '')
    expect(match, snapshot.origin).not.toBeNull()
    const [, engine = '', version = ''] = match ?? []
    expect(version).toBe('data' in snapshot.docker ? snapshot.docker.data.serverVersion : undefined)
    expect(engine).toBe(name.endsWith(NEWER) ? 'docker-26.1' : 'docker-20.10')
    expect(version.startsWith(`${engine.slice('docker-'.length)}.`)).toBe(true)
  })
})

/** What the two engines print for the same healthy host, and where they differ. */
describe.each([
  {dir: 'healthy', version: /^20\.10\./, api: '1.41', loopbackIpv6: []},
  {dir: `healthy${NEWER}`, version: /^26\.1\./, api: '1.45', loopbackIpv6: ['::1']},
])('docker output of the $dir lab host', ({dir, version, api, loopbackIpv6}) => {
  it('reads the engine and API version', () => {
    const engine = parseEngine(raw(`${dir}/docker-version.json`), raw(`${dir}/docker-info.json`))
    expect(engine.serverVersion).toMatch(version)
    expect(engine).toMatchObject({apiVersion: api, os: 'linux', rootless: false, desktop: false})
  })

  it('derives each endpoint MAC from its IPv4 address (02:42 and the address in hex), in the network and the container alike', () => {
    const [network] = parseNetworks(raw(`${dir}/docker-network-inspect.json`))
    const macOf = (ipv4: string) => `02:42:${ipv4.split('.').map((octet) => Number(octet).toString(16).padStart(2, '0')).join(':')}`
    expect(network?.endpoints.length).toBe(2)
    for (const endpoint of network?.endpoints ?? []) expect(endpoint.mac).toBe(macOf(endpoint.ipv4?.split('/')[0] ?? ''))
    for (const container of parseContainers(raw(`${dir}/docker-inspect.json`))) expect(container.networks[0]?.mac).toBe(macOf(container.networks[0]?.ipv4 ?? ''))
  })

  it('gives a network without --ipv6 no IPv6 on the container link (26.1 keeps ::1 on loopback)', () => {
    const [network] = parseNetworks(raw(`${dir}/docker-network-inspect.json`))
    expect(network).toMatchObject({enableIPv6: false, options: {parent: 'eth1'}})
    const addresses = parseAddresses(raw(`${dir}/container-ip-addr.json`))
    expect(addresses.filter((address) => address.family === 'inet6' && address.ifname === 'eth0')).toEqual([])
    expect(addresses.filter((address) => address.family === 'inet6').map((address) => address.local)).toEqual(loopbackIpv6)
  })
})
