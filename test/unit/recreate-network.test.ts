/** The by-hand steps that recreate a network: every container comes back attached, with the address it asked for. */
import {describe, expect, it} from 'vitest'

import {noIpRange} from '../../src/rules/no-ip-range.js'
import {snapshot} from '../helpers/builders.js'
import {judge} from '../helpers/judge.js'

const ANNOUNCE = `-n sh -c 'set -- $(ip -o -4 addr show to "$1") && arping -U -c 2 -I "$2" "\${4%/*}"' sh 192.168.1.0/24`

/** lan without --ip-range: web and db static and running (db with a MAC of its own), batch static and stopped, cache dynamic, and an endpoint left by a removed container. */
function host(network = 'lan') {
  const on = (ip: string, requested: boolean, mac?: string) => ({networks: [{name: network, networkId: `id-${network}`, ipv4: ip, prefixlen: 24, ...(requested ? {requestedIpv4: ip} : {}), ...(mac ? {mac} : {})}]})
  return snapshot()
    .withParent('eth0', {address: '192.168.1.10/24'})
    .withMacvlanNetwork({name: network, parent: 'eth0', endpoints: [{containerId: 'cid-gone', name: 'gone'}]})
    .withContainer('web', network, on('192.168.1.20', true, '02:42:c0:a8:01:14'))
    .withContainer('db', network, on('192.168.1.21', true, '02:aa:bb:cc:dd:11'))
    .withContainer('batch', network, {running: false, status: 'exited', networks: [{name: network, networkId: `id-${network}`, requestedIpv4: '192.168.1.22'}]})
    .withContainer('cache', network, on('192.168.1.30', false, '02:42:c0:a8:01:1e'))
    .build()
}

describe('recreating a network by hand', () => {
  it('stops, detaches, recreates, attaches each container again with its static address, starts what ran and announces it', () => {
    const [result] = judge(noIpRange, host())
    expect(result?.fix?.commands).toEqual([
      '# With Compose, do not run the lines below: change the networks: section of the compose file to this (services keep their ipv4_address and mac_address), then run docker compose down and docker compose up -d:',
      '#   networks:',
      '#     lan:',
      '#       name: lan',
      '#       driver: macvlan',
      '#       driver_opts:',
      '#         parent: eth0',
      '#       ipam:',
      '#         config:',
      '#           - subnet: 192.168.1.0/24',
      '#             gateway: 192.168.1.1',
      '#             ip_range: 192.168.1.224/27',
      '#             aux_addresses:',
      '#               shim: 192.168.1.254',
      '# Without Compose: detach its 4 containers, recreate the network, then attach each again with the address it had:',
      'docker stop web db cache',
      'docker network disconnect lan web',
      'docker network disconnect lan db',
      'docker network disconnect lan batch',
      'docker network disconnect lan cache',
      'docker network disconnect --force lan gone',
      'docker network rm lan',
      'docker network create -d macvlan -o parent=eth0 --subnet=192.168.1.0/24 --gateway=192.168.1.1 --ip-range=192.168.1.224/27 --aux-address=shim=192.168.1.254 lan',
      'docker network connect --ip 192.168.1.20 lan web',
      '# db had the MAC 02:aa:bb:cc:dd:11: docker network connect cannot set a MAC (moby/moby#48192), so it may come back with another; the announcement below tells the LAN.',
      'docker network connect --ip 192.168.1.21 lan db',
      'docker network connect --ip 192.168.1.22 lan batch',
      'docker network connect lan cache',
      'docker start web db cache',
      '# Engines before 28.0 announce no address: tell the LAN each container\'s MAC now, so no neighbour keeps an old one.',
      `nsenter -t "$(docker inspect -f '{{.State.Pid}}' web)" ${ANNOUNCE}`,
      `nsenter -t "$(docker inspect -f '{{.State.Pid}}' db)" ${ANNOUNCE}`,
      `nsenter -t "$(docker inspect -f '{{.State.Pid}}' cache)" ${ANNOUNCE}`,
    ])
  })

  it('quotes a hostile network name in every command, and never lets it end a comment line', () => {
    const name = "x\n>pw $(reboot) 'q'"
    const commands = judge(noIpRange, host(name))[0]?.fix?.commands ?? []
    const quoted = `'x\n>pw $(reboot) '\\''q'\\'''`
    expect(commands).toContain(`docker network disconnect ${quoted} web`)
    expect(commands).toContain(`docker network rm ${quoted}`)
    expect(commands).toContain(`docker network connect --ip 192.168.1.20 ${quoted} web`)
    expect(commands).toContain(`#     ${JSON.stringify(name)}:`)
    for (const line of commands.filter((candidate) => candidate.startsWith('#'))) expect(line).not.toContain('\n')
  })
})
