/**
 * The kernel accepts ESC and other control characters in interface names, and iproute2 prints them raw inside its
 * JSON strings (json_writer.c escapes only `"`, `\` and \b \f \n \r \t): one such name made every `ip -j` document
 * invalid, and every collection after it failed with a wrong hint ("Upgrade iproute2").
 */
import {fileURLToPath} from 'node:url'

import {execa} from 'execa'
import {describe, expect, it} from 'vitest'

import {parseBatchOutput} from '../../src/collect/command-output.js'
import {parseLinks} from '../../src/collect/parse-iproute.js'

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

/** What `ip -j link show` printed for a veth pair named "a<ESC>b"" and "p<SOH>\x" (captured from iproute2 6.1). */
const CAPTURED =
  '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK"],"mtu":65536,"qdisc":"noop","operstate":"DOWN","linkmode":"DEFAULT","group":"default","txqlen":1000,"link_type":"loopback","address":"00:00:00:00:00:00","broadcast":"00:00:00:00:00:00"},' +
  '{"ifindex":2,"link":"a\u001Bb\\"","ifname":"p\u0001\\\\x","flags":["BROADCAST","MULTICAST","M-DOWN"],"mtu":1500,"qdisc":"noop","operstate":"DOWN","linkmode":"DEFAULT","group":"default","txqlen":1000,"link_type":"ether","address":"52:49:4b:01:05:50","broadcast":"ff:ff:ff:ff:ff:ff"},' +
  '{"ifindex":3,"link":"p\u0001\\\\x","ifname":"a\u001Bb\\"","flags":["BROADCAST","MULTICAST","M-DOWN"],"mtu":1500,"qdisc":"noop","operstate":"DOWN","linkmode":"DEFAULT","group":"default","txqlen":1000,"link_type":"ether","address":"5e:0f:8d:0b:7d:21","broadcast":"ff:ff:ff:ff:ff:ff"}]'

describe('ip -j output with control characters in interface names', () => {
  it('parses what iproute2 really prints, keeping each name exactly', () => {
    const [links] = parseBatchOutput('ip', ['-j', '-batch', '-'], ['link show'], CAPTURED)
    expect(parseLinks(links).map((link) => link.name)).toEqual(['lo', 'p\u0001\\x', 'a\u001Bb"'])
  })

  it('collects a host whose links are named with ESC, SOH, quotes and shell characters, in a namespace of its own', async () => {
    // Both ends of the veth pair live in the test's own network namespace, which goes away with it.
    const names = ['a\u001B]0;x\u0007', 'b\u0001$(>p)', 'c"\\\'`;']
    const script = 'ip link add "$1" type veth peer name "$2" && ip link add "$3" type veth peer name d0 && exec "$4" "$5" collect -o -'
    const result = await execa('unshare', ['--net', 'sh', '-c', script, 'sh', ...names, process.execPath, BIN], {reject: false, env: {DOCKER_HOST: 'unix:///nonexistent/docker.sock'}})
    expect(result.exitCode, result.stderr).toBe(0)
    const snapshot = JSON.parse(result.stdout)
    expect(snapshot.links.error).toBeUndefined()
    expect(snapshot.links.data.map((link: {name: string}) => link.name)).toEqual(expect.arrayContaining(names))
    expect(result.stdout).not.toContain('Upgrade iproute2')
  })
})
