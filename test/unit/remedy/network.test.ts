/** Recreating a network by hand: steps that bring every container back attached, as it was, when pasted into a shell. */
import {describe, expect, it} from 'vitest'

import {HostModel} from '../../../src/model/host-model.js'
import {recreateNetworkCommands} from '../../../src/remedy/network.js'
import {snapshot} from '../../helpers/builders.js'

function host(apiVersion = '1.47', name = 'lan') {
  const built = snapshot()
    .withParent('eth0', {address: '192.168.1.10/24'})
    .withMacvlanNetwork({name, parent: 'eth0'})
    .withContainer('web', name, {ip: '192.168.1.2'})
    .withContainer('fixed', name, {networks: [{name, networkId: `id-${name}`, ipv4: '192.168.1.240', prefixlen: 24, mac: '02:42:c0:a8:01:f0', requestedIpv4: '192.168.1.240'}]})
    .withContainer('idle', name, {running: false, status: 'exited', requestedMac: '02:aa:bb:cc:dd:ee', networks: [{name, networkId: `id-${name}`}]})
    .build()
  built.docker = {data: {...(built.docker as {data: object}).data, apiVersion}} as typeof built.docker
  const model = new HostModel(built)
  const l2 = model.macvlanNetworks()[0]
  if (!l2) throw new Error('no network')
  return {model, l2}
}

const commandsOnly = (lines: string[]) => lines.filter((line) => !line.startsWith('#'))

describe('recreating a network by hand', () => {
  it('detaches every container before removing the network, and attaches each again with its static address and MAC, in order', () => {
    const {model, l2} = host()
    expect(commandsOnly(recreateNetworkCommands(model, l2, {ipRange: '192.168.1.224/27'}))).toEqual([
      'docker stop web fixed',
      'docker network disconnect lan web',
      'docker network disconnect lan fixed',
      'docker network disconnect lan idle',
      'docker network rm lan',
      'docker network create -d macvlan -o parent=eth0 --subnet=192.168.1.0/24 --gateway=192.168.1.1 --ip-range=192.168.1.224/27 lan',
      'docker network connect lan web',
      'docker network connect --ip 192.168.1.240 --mac-address 02:42:c0:a8:01:f0 lan fixed',
      'docker network connect --mac-address 02:aa:bb:cc:dd:ee lan idle',
      // A container that was stopped stays stopped.
      'docker start web fixed',
    ])
  })

  it('leaves the MAC to the container\'s own setting where docker network connect has no --mac-address (before API 1.44)', () => {
    const {model, l2} = host('1.41')
    const connects = recreateNetworkCommands(model, l2).filter((line) => line.startsWith('docker network connect'))
    expect(connects).toEqual(['docker network connect lan web', 'docker network connect --ip 192.168.1.240 lan fixed', 'docker network connect lan idle'])
  })

  it('says so when a static address is outside the new subnet, instead of printing a connect that fails', () => {
    const {model, l2} = host()
    const lines = recreateNetworkCommands(model, l2, {subnet: '192.168.0.0/24'})
    expect(lines).toContain('# the static address 192.168.1.240 of "fixed" is outside the new subnet 192.168.0.0/24: add --ip with one inside it')
    expect(lines).toContain('docker network connect --mac-address 02:42:c0:a8:01:f0 lan fixed')
  })

  it('tells Compose users to change the compose file instead, with the networks: fragment, all as comments', () => {
    const {model, l2} = host()
    const lines = recreateNetworkCommands(model, l2, {ipRange: '192.168.1.224/27', aux: {shim: '192.168.1.254'}})
    expect(lines.filter((line) => line.startsWith('#'))).toEqual([
      '# Compose users: do not paste these lines; change the network in your compose file and run `docker compose up -d`:',
      '#   networks:',
      '#     "lan":',
      '#       name: "lan"',
      '#       driver: macvlan',
      '#       driver_opts:',
      '#         parent: "eth0"',
      '#       ipam:',
      '#         config:',
      '#           - subnet: "192.168.1.0/24"',
      '#             gateway: "192.168.1.1"',
      '#             ip_range: "192.168.1.224/27"',
      '#             aux_addresses:',
      '#               "shim": "192.168.1.254"',
    ])
  })

  it('quotes a hostile network name in every command and in the compose fragment', () => {
    const {model, l2} = host('1.47', 'a;$(reboot)')
    const lines = recreateNetworkCommands(model, l2)
    expect(lines).toContain("docker network rm 'a;$(reboot)'")
    expect(lines).toContain("docker network connect 'a;$(reboot)' web")
    expect(lines).toContain('#       name: "a;$(reboot)"')
  })
})
