/** Broken (and healthy) macvlan hosts, built for real in a Lab. Building blocks compose: a scenario is a list of steps. */
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {IMAGE, LAN, LAN6, type Lab} from './lab.js'

export interface NetworkSpec {
  name?: string
  parent?: string
  subnet?: string
  gateway?: string
  ipRange?: string
  aux?: Record<string, string>
  options?: Record<string, string>
  /** A second, IPv6, subnet (`--ipv6`), with its gateway. */
  ipv6?: {subnet: string; gateway?: string}
}

export const NETWORK = 'lan'

export async function createNetwork(lab: Lab, spec: NetworkSpec = {}) {
  const args = ['network', 'create', '-d', 'macvlan', '-o', `parent=${spec.parent ?? 'eth1'}`, `--subnet=${spec.subnet ?? LAN.subnet}`]
  if (spec.gateway !== '') args.push(`--gateway=${spec.gateway ?? LAN.gateway}`)
  if (spec.ipRange) args.push(`--ip-range=${spec.ipRange}`)
  for (const [name, address] of Object.entries(spec.aux ?? {})) args.push(`--aux-address=${name}=${address}`)
  for (const [key, value] of Object.entries(spec.options ?? {})) args.push('-o', `${key}=${value}`)
  if (spec.ipv6) args.push('--ipv6', `--subnet=${spec.ipv6.subnet}`, ...(spec.ipv6.gateway ? [`--gateway=${spec.ipv6.gateway}`] : []))
  return lab.docker([...args, spec.name ?? NETWORK], {reject: false})
}

export interface ContainerSpec {
  name: string
  network?: string
  ip?: string
  mac?: string
  publish?: string
  /** `create` leaves it in Created state; `run` starts it. */
  start?: boolean
}

export async function addContainer(lab: Lab, spec: ContainerSpec) {
  const args = [spec.start === false ? 'create' : 'run', ...(spec.start === false ? [] : ['-d']), '--name', spec.name, '--network', spec.network ?? NETWORK]
  if (spec.ip) args.push('--ip', spec.ip)
  if (spec.mac) args.push('--mac-address', spec.mac)
  if (spec.publish) args.push('-p', spec.publish)
  return lab.docker([...args, IMAGE, '/bin/sleep', '1000000'], {reject: false})
}

/**
 * Writes systemd-networkd files for the shim into the lab host's /etc/systemd, as a careful admin would: the netdev,
 * its own .network, and the parent's .network attaching it (in a drop-in), without which networkd never creates it.
 */
function persistShim(lab: Lab, name: string, address: string, range: string) {
  const dir = join(lab.etcSystemd, 'network')
  mkdirSync(join(dir, '10-eth1.network.d'), {recursive: true})
  writeFileSync(join(dir, `${name}.netdev`), `[NetDev]\nName=${name}\nKind=macvlan\n\n[MACVLAN]\nMode=bridge\n`)
  writeFileSync(join(dir, `${name}.network`), `[Match]\nName=${name}\n\n[Network]\nAddress=${address}/32\n\n[Route]\nDestination=${range}\n`)
  writeFileSync(join(dir, '10-eth1.network'), `[Match]\nName=eth1\n\n[Network]\nAddress=${LAN.hostAddress}/24\n`)
  writeFileSync(join(dir, '10-eth1.network.d', `${name}.conf`), `[Network]\nMACVLAN=${name}\n`)
}

/** The host-side macvlan "shim" that gives the host a path to its containers. */
export async function addShim(lab: Lab, options: {route?: boolean; mode?: string; address?: string; name?: string; persist?: boolean; range?: string} = {}) {
  const name = options.name ?? 'lan-shim'
  const range = options.range ?? LAN.ipRange
  if (options.persist) persistShim(lab, name, options.address ?? LAN.shimAddress, range)
  await lab.host(['ip', 'link', 'add', name, 'link', 'eth1', 'type', 'macvlan', 'mode', options.mode ?? 'bridge'])
  await lab.host(['ip', 'addr', 'add', `${options.address ?? LAN.shimAddress}/32`, 'dev', name])
  await lab.host(['ip', 'link', 'set', name, 'up'])
  if (options.route !== false) await lab.host(['ip', 'route', 'add', range, 'dev', name])
}

/**
 * `count` extra macvlan links on eth1, each up with its own MAC: what hundreds of containers look like to the NIC.
 * Unlike containers' links they sit in the host's namespace, where by default each would answer ARP for every host
 * address and learn the asker: one neighbour entry per link per asker, until the kernel's neighbour table (shared by
 * all namespaces) overflows and nobody's ARP resolves. `arp_ignore=8` and no IPv6 address keep them as quiet as a
 * container's link is to the host.
 */
export async function addSprawl(lab: Lab, count: number) {
  const batch = Array.from({length: count}, (_, i) => `link add sprawl${i} link eth1 type macvlan mode bridge\nlink set sprawl${i} addrgenmode none`).join('\n')
  await lab.host(['ip', '-batch', '-'], {input: `${batch}\n`})
  await lab.host(['sh', '-c', 'for f in /proc/sys/net/ipv4/conf/sprawl*/arp_ignore; do echo 8 > "$f"; done'])
  await lab.host(['ip', '-batch', '-'], {input: `${Array.from({length: count}, (_, i) => `link set sprawl${i} up`).join('\n')}\n`})
}

/** The kernel passes a carrier change on asynchronously (linkwatch): wait until eth1 and every macvlan on it show it. */
async function carrierLost(lab: Lab) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const links = JSON.parse((await lab.host(['ip', '-j', 'link', 'show'])).stdout) as Array<{ifname: string; flags: string[]}>
    if (links.filter((link) => link.ifname !== 'lo').every((link) => !link.flags.includes('LOWER_UP'))) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('lab: eth1 still has carrier 5 s after its peer went down')
}

/** A subnet that is not the LAN's, laid out like the healthy network. Nothing in the lab answers on it. */
const OFF_LAN = {subnet: '10.99.0.0/24', gateway: '10.99.0.1', ipRange: '10.99.0.192/27', shimAddress: '10.99.0.223'} as const

/** An address on the LAN that nothing holds. */
const SILENT_GATEWAY = '192.168.77.254'

/** The reserved layout every guide recommends: a range above the DHCP pool, the shim address held back with --aux-address. */
const reservedNetwork: NetworkSpec = {ipRange: LAN.ipRange, aux: {shim: LAN.shimAddress}}

/** The twin's MAC in second-docker-host-own-mac. */
export const TWIN_MAC = '02:00:5e:77:00:c0'

/** This host's network and containers, and a second Docker host on the LAN (.3) with the same range, whose container "twin" takes .192 as web does. */
async function withTwin(lab: Lab, twinArgs: string[] = []) {
  await createNetwork(lab, reservedNetwork)
  await twoContainers(lab)
  const other = await lab.addDockerHost('dockerhost2', '192.168.77.3')
  await other.docker(['network', 'create', '-d', 'macvlan', '-o', 'parent=eth0', `--subnet=${LAN.subnet}`, `--gateway=${LAN.gateway}`, `--ip-range=${LAN.ipRange}`, NETWORK])
  await other.docker(['run', '-d', '--name', 'twin', '--network', NETWORK, ...twinArgs, IMAGE, '/bin/sleep', '1000000'])
}

async function twoContainers(lab: Lab) {
  await addContainer(lab, {name: 'web'})
  await addContainer(lab, {name: 'db'})
}

/** The reserved network with two containers and a shim built as `shim` says. */
async function reservedWithShim(lab: Lab, shim: Parameters<typeof addShim>[1]) {
  await createNetwork(lab, reservedNetwork)
  await twoContainers(lab)
  await addShim(lab, shim)
}

/** What a second IPv6 router on the LAN advertises: a prefix that is not Docker's, and its own address on it. */
const FOREIGN6 = {subnet: 'fd78::/64', router: 'fd78::1'} as const

/** The reserved layout with an IPv6 subnet beside it whose gateway is `gateway`. */
async function dualStack(lab: Lab, gateway: string) {
  const created = await createNetwork(lab, {...reservedNetwork, ipv6: {subnet: LAN6.subnet, gateway}})
  if (created.exitCode !== 0) throw new Error(`lab: the dual-stack network was refused: ${created.stderr}`)
  await twoContainers(lab)
  await addShim(lab, {persist: true})
}

const raRoutes = (lab: Lab, sandbox: string) => lab.host(['nsenter', `--net=${sandbox}`, 'ip', '-6', 'route', 'show', 'default', 'proto', 'ra'], {reject: false})

/** Waits until each container in `names` has learned a default route from a router advertisement (containers accept them). */
async function raLearned(lab: Lab, names: string[]) {
  for (const name of names) {
    const sandbox = (await lab.docker(['inspect', '-f', '{{.NetworkSettings.SandboxKey}}', name])).stdout.trim()
    const deadline = Date.now() + 20_000
    // A dump that races the routes being added fails ("Dump was interrupted"): ask again.
    for (let shown = await raRoutes(lab, sandbox); !shown.stdout.trim(); shown = await raRoutes(lab, sandbox)) {
      if (Date.now() > deadline) throw new Error(`lab: ${name} learned no IPv6 default route from the router's advertisements ${shown.stderr}`)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
}

/**
 * Waits until the host's `link` holds a settled (no longer tentative) address of `prefix` and a route learned from the
 * advertisements: one that lands during a doctor run changes the host's addresses between the before and after views.
 */
async function hostRaLearned(lab: Lab, link: string, prefix: string) {
  const deadline = Date.now() + 20_000
  const settled = async () => {
    const addresses = await lab.host(['ip', '-6', '-o', 'addr', 'show', 'dev', link, 'scope', 'global', '-tentative'], {reject: false})
    const routes = await lab.host(['ip', '-6', 'route', 'show', 'proto', 'ra', 'dev', link], {reject: false})
    return addresses.stdout.includes(prefix) && routes.stdout.trim() !== ''
  }
  while (!(await settled())) {
    if (Date.now() > deadline) throw new Error(`lab: the host's ${link} learned no ${prefix} address and route from the advertisements`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

export interface Scenario {
  description: string
  build(lab: Lab): Promise<void>
}

export const SCENARIOS = {
  healthy: {
    description: 'ip-range above the DHCP pool, the shim address reserved with --aux-address, a working shim with its route persisted in systemd-networkd files, two running containers',
    build: (lab) => reservedWithShim(lab, {persist: true}),
  },
  'shim-not-persistent': {
    description: 'the healthy host, except that the shim was made with ip commands only and is lost at the next reboot',
    build: (lab) => reservedWithShim(lab, {}),
  },
  'host-isolation': {
    description: 'a reserved macvlan network with two running containers and no shim: the host cannot reach them',
    async build(lab) {
      await createNetwork(lab, reservedNetwork)
      await twoContainers(lab)
    },
  },
  'host-isolation-unreserved': {
    description: 'a macvlan network with an --ip-range but no --aux-address, two running containers and no shim: the most common broken host',
    async build(lab) {
      await createNetwork(lab, {ipRange: LAN.ipRange})
      await twoContainers(lab)
    },
  },
  'host-isolation-pool-at-top': {
    description: "host-isolation-unreserved on a LAN whose DHCP pool (.230-.254) holds the top of the subnet, where the shim's address would go",
    async build(lab) {
      await lab.stopDhcp()
      await lab.startDhcp(['192.168.77.230', '192.168.77.254'])
      await SCENARIOS['host-isolation-unreserved'].build(lab)
    },
  },
  'two-shims': {
    description: 'the healthy host plus a second working shim (lan-shim2, outside the range, no route of its own): redundant, not broken',
    async build(lab) {
      await SCENARIOS.healthy.build(lab)
      await addShim(lab, {name: 'lan-shim2', address: '192.168.77.253', route: false})
    },
  },
  'shim-without-route': {
    description: 'a shim with its address but no route to the container range',
    build: (lab) => reservedWithShim(lab, {route: false, persist: true}),
  },
  'parent-down': {
    description: 'the healthy host, then the parent eth1 set administratively down',
    async build(lab) {
      await SCENARIOS.healthy.build(lab)
      await lab.host(['ip', 'link', 'set', 'eth1', 'down'])
    },
  },
  'parent-no-carrier': {
    description: 'the healthy host, then the LAN side of the cable (the veth peer) set down: eth1 is up without carrier',
    async build(lab) {
      await SCENARIOS.healthy.build(lab)
      await lab.lan(['ip', 'link', 'set', 'uplink', 'down'])
      await carrierLost(lab)
    },
  },
  'parent-missing': {
    description: 'a second NIC eth2 as the parent of network "lan2" with a container, then eth2 removed (a renamed or unplugged NIC)',
    async build(lab) {
      await lab.host(['ip', 'link', 'add', 'eth2', 'type', 'veth', 'peer', 'name', 'eth2-peer'])
      await lab.host(['ip', 'link', 'set', 'eth2', 'up'])
      await lab.host(['ip', 'link', 'set', 'eth2-peer', 'up'])
      await createNetwork(lab, {name: 'lan2', parent: 'eth2', subnet: '192.168.78.0/24', gateway: '192.168.78.1'})
      await addContainer(lab, {name: 'orphan', network: 'lan2'})
      await lab.host(['ip', 'link', 'del', 'eth2'])
    },
  },
  'mac-filtered': {
    description: 'the healthy host behind a "switch" (nft bridge rules in the LAN) that drops frames whose source MAC is not the host NIC\'s own',
    async build(lab) {
      await SCENARIOS.healthy.build(lab)
      const hostMac = JSON.parse((await lab.host(['ip', '-j', 'link', 'show', 'eth1'])).stdout)[0].address as string
      const rules = `table bridge mvd_switch {\n  chain forward_in {\n    type filter hook input priority 0; policy accept;\n    iifname "uplink" ether saddr != ${hostMac} drop\n  }\n}\n`
      await lab.lan(['nft', '-f', '-'], {input: rules})
    },
  },
  'dhcp-overlap': {
    description: "the router's DHCP pool (.200-.220) lies inside Docker's ip-range (.192/27), so every offer proves the overlap",
    async build(lab) {
      await lab.stopDhcp()
      await lab.startDhcp(['192.168.77.200', '192.168.77.220'])
      await createNetwork(lab, reservedNetwork)
      await twoContainers(lab)
    },
  },
  'dhcp-pool-reaches-range': {
    description:
      "the router's DHCP pool (.100-.200, dnsmasq handing out its lowest free address first) reaches into the bottom of Docker's ip-range (.192/27): only the lowest free address of the range, asked for, is offered back inside it",
    async build(lab) {
      await lab.stopDhcp()
      await lab.startDhcpServer('dnsmasq-sequential', ['192.168.77.100', '192.168.77.200'])
      await createNetwork(lab, reservedNetwork)
      await twoContainers(lab)
    },
  },
  'second-dhcp-server': {
    description: 'the healthy host, plus a second (rogue) DHCP server on the LAN at .250 serving .160-.170',
    async build(lab) {
      await SCENARIOS.healthy.build(lab)
      await lab.startRogueDhcp(['192.168.77.160', '192.168.77.170'], '192.168.77.250')
    },
  },
  'no-ip-range': {
    description: 'a macvlan network over the whole LAN subnet without --ip-range: Docker allocates from .2 up, where the LAN lives',
    async build(lab) {
      await createNetwork(lab)
      await addContainer(lab, {name: 'web'})
    },
  },
  'static-no-ip-range': {
    description: 'a macvlan network without --ip-range whose containers all have static addresses: web and db running (db with a MAC of its own), batch created and never started',
    async build(lab) {
      await createNetwork(lab)
      await addContainer(lab, {name: 'web', ip: '192.168.77.10'})
      await addContainer(lab, {name: 'db', ip: '192.168.77.11', mac: '02:aa:bb:cc:dd:11'})
      await addContainer(lab, {name: 'batch', ip: '192.168.77.12', start: false})
    },
  },
  'ip-conflict': {
    description: 'a LAN machine (an address on the LAN bridge) already holds the address Docker gives the first container',
    async build(lab) {
      await lab.lan(['ip', 'addr', 'add', '192.168.77.192/24', 'dev', 'br0'])
      await createNetwork(lab, reservedNetwork)
      await twoContainers(lab)
    },
  },
  'second-docker-host': {
    description: "the host without a shim, and a second Docker host on the LAN (.3) with the same --ip-range: its first container takes .192, with the same MAC (Docker derives it from the address), like this host's web",
    build: (lab) => withTwin(lab),
  },
  'second-docker-host-own-mac': {
    description: 'second-docker-host, but the twin has a MAC of its own (--mac-address, as Docker 28 and later give every container): the same address, another MAC',
    build: (lab) => withTwin(lab, ['--mac-address', TWIN_MAC]),
  },
  'mac-sprawl': {
    description: '300 extra macvlan links (up, each with its own MAC) on eth1 besides the healthy host',
    async build(lab) {
      await SCENARIOS.healthy.build(lab)
      await addSprawl(lab, 300)
    },
  },
  'duplicate-mac': {
    description: 'two containers given the same --mac-address: the kernel refuses the second, which stays in Created state',
    async build(lab) {
      await createNetwork(lab, reservedNetwork)
      await addContainer(lab, {name: 'first', mac: '02:42:c0:a8:4d:99'})
      await addContainer(lab, {name: 'second', mac: '02:42:c0:a8:4d:99'})
    },
  },
  'private-mode': {
    description: 'a macvlan network in private mode: its containers cannot talk to each other',
    async build(lab) {
      await createNetwork(lab, {...reservedNetwork, options: {macvlan_mode: 'private'}})
      await twoContainers(lab)
    },
  },
  'published-ports': {
    description: 'a container on macvlan started with -p 8080:80, which macvlan ignores',
    async build(lab) {
      await createNetwork(lab, reservedNetwork)
      await addContainer(lab, {name: 'web', publish: '8080:80'})
    },
  },
  'subnet-off-lan': {
    description: 'the healthy layout, but the network is on 10.99.0.0/24 while eth1 is on the LAN 192.168.77.0/24: the containers\' gateway 10.99.0.1 does not exist',
    async build(lab) {
      await createNetwork(lab, {subnet: OFF_LAN.subnet, gateway: OFF_LAN.gateway, ipRange: OFF_LAN.ipRange, aux: {shim: OFF_LAN.shimAddress}})
      await twoContainers(lab)
      await addShim(lab, {address: OFF_LAN.shimAddress, range: OFF_LAN.ipRange, persist: true})
    },
  },
  'gateway-silent': {
    description: 'the healthy host, but its network was created with --gateway=192.168.77.254, an address nothing on the LAN holds',
    async build(lab) {
      await createNetwork(lab, {...reservedNetwork, gateway: SILENT_GATEWAY})
      await twoContainers(lab)
      await addShim(lab, {persist: true})
    },
  },
  'mtu-mismatch': {
    description: 'a macvlan network asking for MTU 9000 on a 1500-byte parent',
    async build(lab) {
      await createNetwork(lab, {...reservedNetwork, options: {'com.docker.network.driver.mtu': '9000'}})
      await addContainer(lab, {name: 'web'})
    },
  },
  'restarting-container': {
    description: 'the healthy host plus a container in a restart loop (busybox `sh -c "sleep 1; exit 1"` with --restart always)',
    async build(lab) {
      await SCENARIOS.healthy.build(lab)
      await lab.docker(['run', '-d', '--restart', 'always', '--name', 'flaky', '--network', NETWORK, IMAGE, 'sh', '-c', 'sleep 1; exit 1'])
      // Until Docker has restarted it once it is a container on its first run, which the doctor does probe.
      const deadline = Date.now() + 20_000
      while (Number((await lab.docker(['inspect', '-f', '{{.RestartCount}}', 'flaky'])).stdout) < 1) {
        if (Date.now() > deadline) throw new Error('lab: flaky was never restarted')
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
    },
  },
  'dual-stack': {
    description: 'the healthy host on a dual-stack network: the LAN router also routes IPv6 (fd77::1, radvd advertising fd77::/64) and is the network\'s IPv6 gateway',
    async build(lab) {
      await lab.startIpv6Router()
      await dualStack(lab, LAN6.gateway)
      await raLearned(lab, ['web', 'db'])
    },
  },
  'ipv6-foreign-router': {
    description: 'a dual-stack network whose IPv6 gateway fd77::1 (the LAN router, which sends no advertisements) answers, while another LAN machine (192.168.77.3) advertises fd78::/64 and itself as default router: the containers take an address and a second default route from it',
    async build(lab) {
      await lab.lan(['ip', 'addr', 'add', `${LAN6.gateway}/64`, 'dev', 'br0'])
      await lab.startIpv6Router(FOREIGN6.subnet, FOREIGN6.router, {name: 'radvd-foreign', ns: await lab.addLanMachine('rtr6', '192.168.77.3'), iface: 'eth0'})
      await dualStack(lab, LAN6.gateway)
      await raLearned(lab, ['web', 'db'])
      for (const link of ['eth1', 'lan-shim']) await hostRaLearned(lab, link, FOREIGN6.subnet.split('::')[0] ?? FOREIGN6.subnet)
    },
  },
  'host-forwarding': {
    description: 'the healthy dual-stack host after IPv6 forwarding was turned on (net.ipv6.conf.all.forwarding=1) with the parent\'s accept_ra left at 1: the kernel ignores the router\'s advertisements from then on',
    async build(lab) {
      await SCENARIOS['dual-stack'].build(lab)
      await lab.host(['sysctl', '-qw', 'net.ipv6.conf.all.forwarding=1'])
    },
  },
  'ipv6-echo-filtered': {
    description: 'the healthy dual-stack host whose IPv6 router drops ICMPv6 echo requests (an nft rule in the LAN namespace) while it answers neighbour discovery and routes',
    async build(lab) {
      await SCENARIOS['dual-stack'].build(lab)
      await lab.lan(['nft', '-f', '-'], {input: 'table inet mvd_echo {\n  chain input {\n    type filter hook input priority 0; policy accept;\n    icmpv6 type echo-request drop\n  }\n}\n'})
    },
  },
  'ipv6-gateway-missing': {
    description: 'the healthy host on a dual-stack network whose IPv6 gateway fd77::1 does not exist: the LAN has no IPv6 router at all',
    async build(lab) {
      await dualStack(lab, LAN6.gateway)
    },
  },
  'container-bridge': {
    description: "the healthy host, and inside the container web a bridge br0 with web's macvlan eth0 as its port (as a VM inside a container would build it)",
    async build(lab) {
      await SCENARIOS.healthy.build(lab)
      const pid = (await lab.docker(['inspect', '-f', '{{.State.Pid}}', 'web'])).stdout.trim()
      const inside = (args: string[]) => lab.host(['nsenter', `--net=/proc/${pid}/ns/net`, 'ip', ...args])
      await inside(['link', 'add', 'br0', 'type', 'bridge'])
      await inside(['link', 'set', 'eth0', 'master', 'br0'])
      await inside(['link', 'set', 'br0', 'up'])
    },
  },
} satisfies Record<string, Scenario>

export type ScenarioName = keyof typeof SCENARIOS
