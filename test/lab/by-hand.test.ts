/**
 * The by-hand steps `macvlan fix` prints for recreating a network, pasted into `sh -e` on the lab host as they are: every
 * container comes back on the new network with its address, and the LAN reaches each one at once.
 */
import {writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'

import {expect, it} from 'vitest'

import type {Lab} from './lab.js'
import {describeOnEngines, useScenario} from './harness.js'

/** The lines under "By hand" of the step for check `id` in `macvlan fix`'s text, as a person would copy them. */
function byHandLines(text: string, id: string): string[] {
  const lines = text.split('\n')
  const start = lines.findIndex((line) => new RegExp(`^\\d+\\. \\[\\w+\\] ${id} \\(`).test(line))
  const header = lines.findIndex((line, index) => index > start && line.trim() === 'By hand (never run by macvlan fix):')
  const block: string[] = []
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('    ')) break
    block.push(line.slice(4))
  }
  return block
}

/** Each container's address and MAC on network `lan`, and whether it runs. */
async function attachment(lab: Lab, name: string) {
  const format = '{{.State.Running}} {{with index .NetworkSettings.Networks "lan"}}{{.IPAddress}} {{.MacAddress}}{{end}}'
  const [running, address, mac] = (await lab.docker(['inspect', '-f', format, name])).stdout.trim().split(' ')
  return {running: running === 'true', address, mac}
}

/** The MAC the LAN's router holds for `address`, after one ping from it (which must be answered). */
async function reachedFromLan(lab: Lab, address: string): Promise<string | undefined> {
  const ping = await lab.lan(['ping', '-c', '1', '-W', '1', address], {reject: false})
  expect(ping.exitCode, `${address} from the LAN: ${ping.stdout}`).toBe(0)
  const [neighbour] = JSON.parse((await lab.lan(['ip', '-j', 'neigh', 'show', address, 'dev', 'br0'])).stdout) as Array<{lladdr?: string}>
  return neighbour?.lladdr
}

describeOnEngines('lab: the by-hand steps that recreate a network, pasted', (engine) => {
  const {lab} = useScenario('static-no-ip-range', engine)

  it('bring every container back with its address, started as it was, and reachable from the LAN at once', async () => {
    const before = {web: await attachment(lab(), 'web'), db: await attachment(lab(), 'db')}
    // The LAN's router learns each container's MAC now, as it would have long before anyone recreates the network.
    for (const {address} of Object.values(before)) await reachedFromLan(lab(), address ?? '')

    const printed = await lab().macvlan(['fix'])
    const steps = byHandLines(printed.stdout, 'no-ip-range')
    expect(steps, printed.stdout).toContain('docker network rm lan')
    const script = join(lab().dir, 'by-hand.sh')
    writeFileSync(script, `${steps.join('\n')}\n`)
    const env = [`DOCKER_HOST=${lab().dockerHost}`, `PATH=${dirname(lab().engineDocker)}:${process.env.PATH ?? ''}`]
    const pasted = await lab().host(['env', ...env, 'sh', '-e', script], {reject: false})
    expect(pasted.exitCode, `${pasted.stdout}\n${pasted.stderr}`).toBe(0)

    const ranges = JSON.parse((await lab().docker(['network', 'inspect', '-f', '{{json .IPAM.Config}}', 'lan'])).stdout) as Array<{IPRange?: string}>
    expect(ranges.map((config) => config.IPRange)).toEqual(['192.168.77.224/27'])
    for (const [name, was] of Object.entries(before)) {
      const now = await attachment(lab(), name)
      expect(now, name).toMatchObject({running: true, address: was.address})
      // Whatever MAC the engine gave it back, the LAN holds that one: the steps announced it.
      expect(await reachedFromLan(lab(), now.address ?? ''), name).toBe(now.mac)
    }
    expect((await attachment(lab(), 'web')).mac).toBe(before.web.mac)
    // The container that never ran is attached to the new network, and starts with its address.
    expect(await attachment(lab(), 'batch')).toMatchObject({running: false})
    await lab().docker(['start', 'batch'])
    expect(await attachment(lab(), 'batch')).toMatchObject({running: true, address: '192.168.77.12'})
    expect(await reachedFromLan(lab(), '192.168.77.12')).toBe((await attachment(lab(), 'batch')).mac)
  })
})
