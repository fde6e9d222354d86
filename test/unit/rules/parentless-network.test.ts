import {describe, expect, it} from 'vitest'

import {parentlessNetwork} from '../../../src/rules/parentless-network.js'
import {engineFixture, fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

describe('parentless-network', () => {
  it('on Engine 26.1 (a hand-made host from the lab capture) says Docker made the network internal: no gateway, no default route, no external DNS', () => {
    const [result] = judge(parentlessNetwork, engineFixture('no-parent.docker-26.1'))
    expect(result?.outcome).toBe('warn')
    expect(result?.message).toMatch(
      /^lan has no parent \(-o parent=\): Docker put lan on its own dummy link dm-[0-9a-f]{12}, which leads nowhere, and from Engine 26\.1 treats it as --internal: no gateway, no default route, no external DNS\. Its containers \(db, web\) reach only each other on this host, never the LAN\.$/,
    )
    expect(result?.evidence?.facts).toMatchObject({dummyExists: true, engine: '26.1.5+dfsg1'})
    const commands = (result?.fix?.commands ?? []).filter((command) => !command.startsWith('#'))
    expect(commands).toEqual([
      'docker stop db web',
      'docker network disconnect lan db',
      'docker network disconnect lan web',
      'docker network rm lan',
      'docker network create -d macvlan --internal --subnet=192.168.77.0/24 --gateway=192.168.77.1 --ip-range=192.168.77.192/27 --aux-address=shim=192.168.77.223 lan',
      'docker network connect lan db',
      'docker network connect lan web',
      'docker start db web',
    ])
  })

  it('on Engine 20.10 (a hand-made host from the lab capture) says the containers still get a default route into the dummy link', () => {
    const [result] = judge(parentlessNetwork, engineFixture('no-parent.docker-20.10'))
    expect(result?.outcome).toBe('warn')
    expect(result?.message).toContain('yet Engine 20.10.24+dfsg1 gives its containers (db, web) a default route via 192.168.77.1 through it: traffic off the subnet, DNS included, goes nowhere')
  })

  it('claims nothing version-specific when the engine version is unknown', () => {
    const [result] = judge(parentlessNetwork, {docker: {serverVersion: 'unknown'}, networks: [{name: 'lan'}]})
    expect(result?.message).toBe('lan has no parent (-o parent=): Docker put lan on its own dummy link dm-id-lan, which leads nowhere, so its containers never reach the LAN.')
  })

  it('passes a network that is --internal on purpose, and leaves networks with a parent alone', () => {
    expect(judge(parentlessNetwork, {networks: [{name: 'backplane', internal: true}]})[0]?.outcome).toBe('pass')
    expect(judge(parentlessNetwork, fixture('healthy.docker-26.1'))).toMatchObject([{outcome: 'skip', skipKind: 'not-applicable'}])
  })
})
