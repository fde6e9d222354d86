/**
 * A real macvlan host for the tests: a "host" network namespace running a real dockerd, joined by a veth pair
 * (the host's `eth1`, the macvlan parent) to a "LAN" namespace with a bridge, the gateway address and dnsmasq.
 * Nothing is brought up in the machine's own namespace; every address used is inside LAN_SUBNET, in namespaces made here.
 */
import {spawn} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {execa} from 'execa'

import {DEFAULT_ENGINE, ENGINES, engineMissing, labEngines, type EngineName} from './engines.js'

export const LAN = {
  subnet: '192.168.77.0/24',
  gateway: '192.168.77.1',
  hostAddress: '192.168.77.2',
  /** The router's DHCP pool in the healthy layout: well below Docker's range. */
  dhcpPool: ['192.168.77.100', '192.168.77.150'] as const,
  /** Docker's allocatable range in the healthy layout, and the shim address reserved at its top. */
  ipRange: '192.168.77.192/27',
  shimAddress: '192.168.77.223',
} as const

/** The LAN's IPv6 side, for dual-stack scenarios: a unique local prefix and the router's address on it. */
export const LAN6 = {
  subnet: 'fd77::/64',
  gateway: 'fd77::1',
} as const

export const IMAGE = 'mvd-busybox:lab'
const PREFIX = 'mvd-lab-'
const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

interface LabState {
  id: string
  /** The lab builds scenarios with this engine's own client; the tool under test uses whatever `docker` is on PATH. */
  engine: EngineName
  dir: string
  hostNs: string
  lanNs: string
  /** Processes the lab started itself, killed by pid on teardown. */
  pids: Record<string, number>
  /** Namespaces scenarios added (other LAN machines), removed on teardown. */
  extraNamespaces?: string[]
  owner: number
}

/** DHCP servers the lab can run: dnsmasq hashing the client's MAC (its default) or handing out the lowest free address, and ISC dhcpd. */
export type DhcpServer = 'dnsmasq' | 'dnsmasq-sequential' | 'isc-dhcpd'

export class LabUnavailable extends Error {}

async function sh(file: string, args: string[], options: {input?: string; reject?: boolean} = {}) {
  return execa(file, args, {reject: options.reject ?? true, input: options.input, env: {LC_ALL: 'C'}})
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await sleep(100)
  }
  throw new Error(`lab: timed out waiting for ${what}`)
}

/** Why the lab cannot be built here, or undefined when it can. */
export async function labUnavailableReason(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'the lab needs root (network namespaces, dockerd)'
  for (const tool of ['ip', 'nsenter', 'containerd', 'runc', 'dnsmasq', 'dhcpd', 'radvd', 'nft', 'busybox', 'arping', 'ping']) {
    const found = await sh('sh', ['-c', `command -v ${tool}`], {reject: false})
    if (found.exitCode !== 0) return `${tool} is not installed (bash .ci/run installs the lab's packages)`
  }
  for (const engine of labEngines()) {
    const missing = engineMissing(engine)
    if (missing) return missing
  }
  // The lab host gets its own /etc/systemd through a bind mount in a private mount namespace.
  if (!existsSync('/etc/systemd')) return '/etc/systemd does not exist (install systemd)'
  const probe = `${PREFIX}probe-${randomBytes(3).toString('hex')}`
  const made = await sh('ip', ['netns', 'add', probe], {reject: false})
  if (made.exitCode !== 0) return `cannot create network namespaces: ${made.stderr}`
  await sh('ip', ['netns', 'del', probe], {reject: false})
  return undefined
}

const liveLabs = new Set<Lab>()
let signalsHooked = false

/** SIGINT/SIGTERM mid-test must not leave namespaces or daemons behind. */
function hookSignals(): void {
  if (signalsHooked) return
  signalsHooked = true
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void Promise.allSettled([...liveLabs].map((lab) => lab.down())).then(() => process.exit(130))
    })
  }
}

export class Lab {
  private constructor(private readonly state: LabState) {}

  get id() {
    return this.state.id
  }

  get hostNs() {
    return this.state.hostNs
  }

  get lanNs() {
    return this.state.lanNs
  }

  get dir() {
    return this.state.dir
  }

  get engine() {
    return this.state.engine
  }

  /** The path of the engine's own docker client. */
  get engineDocker() {
    return ENGINES[this.state.engine].docker
  }

  get dockerHost() {
    return `unix://${join(this.state.dir, 'docker.sock')}`
  }

  /** Builds the topology and starts dnsmasq and dockerd. On any failure, whatever was made is removed again. */
  static async up(options: {dhcpPool?: readonly [string, string]; dhcpServer?: DhcpServer; engine?: EngineName} = {}): Promise<Lab> {
    const id = randomBytes(3).toString('hex')
    const dir = join(tmpdir(), `${PREFIX}${id}`)
    mkdirSync(join(dir, 'data'), {recursive: true})
    mkdirSync(join(dir, 'exec'), {recursive: true})
    const engine = options.engine ?? DEFAULT_ENGINE
    const lab = new Lab({id, engine, dir, hostNs: `${PREFIX}${id}-host`, lanNs: `${PREFIX}${id}-lan`, pids: {}, owner: process.pid})
    liveLabs.add(lab)
    hookSignals()
    try {
      lab.save()
      await lab.buildTopology()
      await lab.startDhcpServer(options.dhcpServer ?? 'dnsmasq', options.dhcpPool ?? LAN.dhcpPool)
      await lab.startDocker()
      await lab.importImage()
      return lab
    } catch (error) {
      await lab.down()
      throw error
    }
  }

  /** Re-attaches to a lab made by another process (the `npm run lab` CLI). */
  static attach(id: string): Lab {
    const dir = join(tmpdir(), `${PREFIX}${id}`)
    return new Lab(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as LabState)
  }

  /** Labs on this machine whose owning process has gone: left by a crashed run. */
  static stale(): string[] {
    return readdirSync(tmpdir())
      .filter((name) => name.startsWith(PREFIX) && existsSync(join(tmpdir(), name, 'state.json')))
      .map((name) => name.slice(PREFIX.length))
      .filter((id) => !alive(Lab.attach(id).state.owner))
  }

  private save(): void {
    writeFileSync(join(this.state.dir, 'state.json'), JSON.stringify(this.state, null, 2))
  }

  /** Marks the lab as owned by a process that outlives this one (the CLI's `up`). */
  detach(): void {
    this.state.owner = 0
    this.save()
    liveLabs.delete(this)
  }

  host(args: string[], options: {reject?: boolean; input?: string} = {}) {
    return sh('ip', ['netns', 'exec', this.hostNs, ...args], options)
  }

  lan(args: string[], options: {reject?: boolean; input?: string} = {}) {
    return sh('ip', ['netns', 'exec', this.lanNs, ...args], options)
  }

  docker(args: string[], options: {reject?: boolean} = {}) {
    return execa(ENGINES[this.state.engine].docker, args, {reject: options.reject ?? true, env: {DOCKER_HOST: this.dockerHost}})
  }

  /** The lab host's own /etc/systemd (network files, units): scenarios write here, never to the machine's /etc. */
  get etcSystemd() {
    return join(this.state.dir, 'etc-systemd')
  }

  /**
   * Runs the built CLI inside the lab host exactly as a user would there: `macvlan ARGS` with DOCKER_HOST set, in a
   * private mount namespace where /etc/systemd is the lab host's own. `program` runs instead of bin/run.js
   * (the single executable).
   */
  macvlan(args: string[], options: {env?: Record<string, string>; program?: string[]; hostname?: string; dockerHost?: string} = {}) {
    const host = options.dockerHost ? this.dockerHosts(options.dockerHost) : {ns: this.hostNs, dockerHost: this.dockerHost, etcSystemd: this.etcSystemd}
    mkdirSync(host.etcSystemd, {recursive: true})
    const env = Object.entries({DOCKER_HOST: host.dockerHost, ...options.env}).map(([key, value]) => `${key}=${value}`)
    // With a hostname, in a UTS namespace of its own: the machine's hostname stays as it is.
    const inPrivateEtc = `mount --bind "$0" /etc/systemd && ${options.hostname ? 'hostname "$1" && shift && ' : ''}exec "$@"`
    const uts = options.hostname ? ['--uts'] : []
    return execa('ip', ['netns', 'exec', host.ns, 'unshare', '--mount', ...uts, '--propagation', 'private', 'sh', '-c', inPrivateEtc, host.etcSystemd, ...(options.hostname ? [options.hostname] : []), 'env', ...env, ...(options.program ?? [process.execPath, BIN]), ...args], {
      reject: false,
      env: {NO_COLOR: '1'},
    })
  }

  private async buildTopology(): Promise<void> {
    const {hostNs, lanNs} = this.state
    for (const ns of [hostNs, lanNs]) {
      await sh('ip', ['netns', 'add', ns])
      // Without duplicate address detection IPv6 link-local addresses settle at once, so "before" and "after" compare a still host.
      for (const scope of ['all', 'default']) await sh('ip', ['netns', 'exec', ns, 'sysctl', '-qw', `net.ipv6.conf.${scope}.accept_dad=0`])
    }
    await sh('ip', ['link', 'add', 'eth1', 'netns', hostNs, 'type', 'veth', 'peer', 'name', 'uplink', 'netns', lanNs])
    const lanSetup = [
      'link set lo up',
      'link add br0 type bridge',
      'link set uplink master br0',
      'link set uplink up',
      'link set br0 up',
      `addr add ${LAN.gateway}/24 dev br0`,
    ]
    for (const command of lanSetup) await sh('ip', ['-n', lanNs, ...command.split(' ')])
    const hostSetup = ['link set lo up', 'link set eth1 up', `addr add ${LAN.hostAddress}/24 dev eth1`, `route add default via ${LAN.gateway}`]
    for (const command of hostSetup) await sh('ip', ['-n', hostNs, ...command.split(' ')])
  }

  /** Starts a process inside a namespace, detached, and records its pid for teardown. */
  private startProcess(name: string, ns: string, args: string[], logFile: string, env: Record<string, string> = {}): number {
    const child = spawn('nsenter', [`--net=/run/netns/${ns}`, ...args], {
      detached: true,
      stdio: ['ignore', 'ignore', 'ignore'],
      env: {...process.env, LC_ALL: 'C', ...env},
    })
    child.unref()
    if (!child.pid) throw new Error(`lab: could not start ${name}`)
    this.state.pids[name] = child.pid
    this.save()
    writeFileSync(logFile, '', {flag: 'a'})
    return child.pid
  }

  /** dnsmasq hashes each client's MAC to a starting point in the pool; `sequential` gives the lowest free address first, as many home routers do. */
  async startDhcp(pool: readonly [string, string], name = 'dnsmasq', ns = this.lanNs, iface = 'br0', options: {sequential?: boolean} = {}): Promise<void> {
    const dir = this.state.dir
    this.startProcess(
      name,
      ns,
      [
        'dnsmasq',
        '--keep-in-foreground',
        '--conf-file=/dev/null',
        '--no-resolv',
        '--no-hosts',
        '--port=0',
        `--interface=${iface}`,
        '--bind-interfaces',
        '--user=root',
        `--dhcp-range=${pool[0]},${pool[1]},255.255.255.0,1h`,
        ...(options.sequential ? ['--dhcp-sequential-ip'] : []),
        `--dhcp-option=option:router,${LAN.gateway}`,
        `--dhcp-leasefile=${join(dir, `${name}.leases`)}`,
        `--pid-file=${join(dir, `${name}.pid`)}`,
        `--log-facility=${join(dir, `${name}.log`)}`,
      ],
      join(dir, `${name}.log`),
    )
    await waitFor('dnsmasq', async () => existsSync(join(dir, `${name}.pid`)), 10_000)
  }

  /** The LAN's DHCP server, of the given kind, serving `pool`. */
  async startDhcpServer(server: DhcpServer, pool: readonly [string, string]): Promise<void> {
    if (server === 'isc-dhcpd') return this.startIscDhcp(pool)
    return this.startDhcp(pool, 'dnsmasq', this.lanNs, 'br0', {sequential: server === 'dnsmasq-sequential'})
  }

  /**
   * ISC dhcpd (Debian's isc-dhcp-server) on the LAN bridge instead of dnsmasq: a second DHCP implementation, which pings
   * an address before offering it only with `ping-check` (for `ping-timeout` seconds, without holding other clients up).
   */
  async startIscDhcp(pool: readonly [string, string], options: {pingCheck?: boolean} = {}): Promise<void> {
    const dir = this.state.dir
    const config = join(dir, 'dhcpd.conf')
    const leases = join(dir, 'dhcpd.leases')
    writeFileSync(
      config,
      [
        'authoritative;',
        'default-lease-time 3600;',
        `ping-check ${options.pingCheck === false ? 'false' : 'true'};`,
        'ping-timeout 1;',
        `subnet 192.168.77.0 netmask 255.255.255.0 {`,
        `  range ${pool[0]} ${pool[1]};`,
        `  option routers ${LAN.gateway};`,
        '}',
        '',
      ].join('\n'),
    )
    writeFileSync(leases, '')
    this.startProcess('dhcpd', this.lanNs, ['dhcpd', '-4', '-f', '-q', '-cf', config, '-lf', leases, '-pf', join(dir, 'dhcpd.pid'), 'br0'], join(dir, 'dhcpd.log'))
    await waitFor('dhcpd', async () => existsSync(join(dir, 'dhcpd.pid')), 10_000)
  }

  /**
   * An IPv6 router, the way a Linux router is one: `address` on its LAN interface, forwarding on, and radvd advertising
   * `prefix` (SLAAC allowed) with itself as default router, every few seconds. By default the LAN namespace is the
   * router (`LAN6.gateway` on its bridge); `where` makes another machine on the LAN one (see addLanMachine).
   */
  async startIpv6Router(prefix: string = LAN6.subnet, address: string = LAN6.gateway, where: {name?: string; ns?: string; iface?: string} = {}): Promise<void> {
    const {name = 'radvd', ns = this.lanNs, iface = 'br0'} = where
    const dir = this.state.dir
    const inRouter = (args: string[]) => sh('ip', ['netns', 'exec', ns, ...args])
    await inRouter(['sysctl', '-qw', 'net.ipv6.conf.all.forwarding=1'])
    await inRouter(['ip', 'addr', 'add', `${address}/${prefix.split('/')[1]}`, 'dev', iface])
    const config = join(dir, `${name}.conf`)
    writeFileSync(config, `interface ${iface} {\n  AdvSendAdvert on;\n  MinRtrAdvInterval 3;\n  MaxRtrAdvInterval 10;\n  AdvDefaultLifetime 1800;\n  prefix ${prefix} {\n    AdvOnLink on;\n    AdvAutonomous on;\n  };\n};\n`)
    this.startProcess(name, ns, ['radvd', '--nodaemon', `--config=${config}`, `--pidfile=${join(dir, `${name}.pid`)}`, '--logmethod=logfile', `--logfile=${join(dir, `${name}.log`)}`], join(dir, `${name}.log`))
    await waitFor(name, async () => existsSync(join(dir, `${name}.pid`)), 10_000)
  }

  /**
   * Another machine on the LAN: a namespace joined to the LAN bridge by its own veth, with `address`. Returns its
   * namespace name; it is removed on teardown.
   */
  async addLanMachine(name: string, address: string): Promise<string> {
    const ns = `${PREFIX}${this.id}-${name}`
    this.state.extraNamespaces = [...(this.state.extraNamespaces ?? []), ns]
    this.save()
    await sh('ip', ['netns', 'add', ns])
    await sh('ip', ['link', 'add', 'eth0', 'netns', ns, 'type', 'veth', 'peer', 'name', `to-${name}`.slice(0, 15), 'netns', this.lanNs])
    await sh('ip', ['-n', this.lanNs, 'link', 'set', `to-${name}`.slice(0, 15), 'master', 'br0', 'up'])
    for (const command of ['link set lo up', 'link set eth0 up', `addr add ${address}/24 dev eth0`]) await sh('ip', ['-n', ns, ...command.split(' ')])
    return ns
  }

  /** Where the Docker host `name` that addDockerHost made lives: its namespace, its daemon's socket and its own /etc/systemd. */
  dockerHosts(name: string): {ns: string; dockerHost: string; etcSystemd: string} {
    const dir = join(this.state.dir, name)
    return {ns: `${PREFIX}${this.id}-${name}`, dockerHost: `unix://${join(dir, 'docker.sock')}`, etcSystemd: join(dir, 'etc-systemd')}
  }

  /** A second DHCP server on the LAN, in its own machine, serving `pool`. */
  async startRogueDhcp(pool: readonly [string, string], address: string): Promise<void> {
    const ns = await this.addLanMachine('rogue', address)
    await this.startDhcp(pool, 'rogue-dnsmasq', ns, 'eth0')
  }

  async stopDhcp(name = 'dnsmasq'): Promise<void> {
    await this.stopProcess(name)
    rmSync(join(this.state.dir, `${name}.pid`), {force: true})
  }

  /**
   * A second Docker host on the LAN: its own namespace on the LAN bridge (its `eth0`, with `address`) running its own
   * dockerd of the lab's engine. Returns a docker client for it; everything goes on teardown with the lab.
   */
  async addDockerHost(name: string, address: string): Promise<{docker: (args: string[]) => ReturnType<typeof execa>}> {
    const ns = await this.addLanMachine(name, address)
    const dir = join(this.state.dir, name)
    mkdirSync(join(dir, 'data'), {recursive: true})
    mkdirSync(join(dir, 'exec'), {recursive: true})
    const docker = (args: string[]) => execa(ENGINES[this.state.engine].docker, args, {env: {DOCKER_HOST: this.dockerHosts(name).dockerHost}})
    await this.startDocker(ns, dir, `dockerd-${name}`)
    await this.importImage(docker)
    return {docker}
  }

  private async startDocker(ns = this.hostNs, dir = this.state.dir, name = 'dockerd'): Promise<void> {
    const host = `unix://${join(dir, 'docker.sock')}`
    const engine = ENGINES[this.state.engine]
    writeFileSync(join(dir, 'daemon.json'), JSON.stringify(engine.daemonConfig(dir)))
    this.startProcess(
      name,
      ns,
      [
        engine.dockerd,
        `--userland-proxy-path=${engine.dockerProxy}`,
        '--storage-driver=vfs',
        '--iptables=false',
        '--ip6tables=false',
        '--bridge=none',
        `--data-root=${join(dir, 'data')}`,
        `--exec-root=${join(dir, 'exec')}`,
        `--pidfile=${join(dir, 'dockerd.pid')}`,
        `--host=${host}`,
        `--config-file=${join(dir, 'daemon.json')}`,
        `--log-level=warn`,
      ],
      join(dir, 'dockerd.log'),
      {PATH: `${engine.path}:${process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'}`},
    )
    const docker = (args: string[]) => execa(engine.docker, args, {reject: false, env: {DOCKER_HOST: host}})
    await waitFor(name, async () => (await docker(['version'])).exitCode === 0, 60_000)
    const version = (await docker(['version', '--format', '{{.Server.Version}}'])).stdout.trim()
    if (!version.startsWith(`${this.state.engine}.`)) throw new Error(`lab: ${engine.dockerd} is Docker ${version}, not ${this.state.engine}`)
  }

  /** A tiny image with Debian's busybox-static: no registry is needed. */
  private async importImage(docker: (args: string[]) => Promise<unknown> = (args) => this.docker(args)): Promise<void> {
    const rootfs = join(this.state.dir, 'rootfs')
    mkdirSync(join(rootfs, 'bin'), {recursive: true})
    await sh('cp', [(await sh('sh', ['-c', 'command -v busybox'])).stdout.trim(), join(rootfs, 'bin/busybox')])
    for (const applet of ['sh', 'sleep', 'ip', 'ping', 'cat', 'ls', 'udhcpc']) await sh('ln', ['-sf', 'busybox', join(rootfs, 'bin', applet)])
    const tarball = join(this.state.dir, 'rootfs.tar')
    await sh('tar', ['-C', rootfs, '-cf', tarball, '.'])
    await docker(['import', tarball, IMAGE])
  }

  private async stopProcess(name: string): Promise<void> {
    const pid = this.state.pids[name]
    if (!pid) return
    if (alive(pid)) {
      process.kill(pid, 'SIGTERM')
      await waitFor(`${name} to stop`, async () => !alive(pid), 20_000).catch(() => process.kill(pid, 'SIGKILL'))
    }
    delete this.state.pids[name]
    this.save()
  }

  /** Processes started on our behalf by dockerd/containerd (shims, container inits), found by the lab's unique directory. */
  private descendants(): number[] {
    const pids: number[] = []
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue
      try {
        const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8')
        if (cmdline.includes(this.state.dir)) pids.push(Number(entry))
      } catch {
        // The process ended while we looked.
      }
    }
    return pids.filter((pid) => pid !== process.pid)
  }

  /** Removes everything the lab made, also after a partial `up`. Safe to call twice. */
  async down(): Promise<void> {
    liveLabs.delete(this)
    if (existsSync(this.dockerHost.slice('unix://'.length))) {
      const ids = (await this.docker(['ps', '-aq'], {reject: false})).stdout.split('\n').filter(Boolean)
      if (ids.length > 0) await this.docker(['rm', '-f', ...ids], {reject: false})
    }
    for (const name of Object.keys(this.state.pids)) await this.stopProcess(name)
    for (const pid of this.descendants()) if (alive(pid)) process.kill(pid, 'SIGKILL')
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[4])
      .filter((mount): mount is string => mount !== undefined && mount.startsWith(this.state.dir))
      .sort((a, b) => b.length - a.length)
    for (const mount of mounts) await sh('umount', ['-l', mount], {reject: false})
    for (const ns of [this.hostNs, this.lanNs, ...(this.state.extraNamespaces ?? [])]) {
      if (existsSync(`/run/netns/${ns}`)) await sh('ip', ['netns', 'del', ns], {reject: false})
    }
    rmSync(this.state.dir, {recursive: true, force: true})
  }
}
