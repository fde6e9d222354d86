/**
 * `npm run bench`: where the time goes. Builds lab hosts with 10 and 100 running macvlan containers (and one with 300
 * extra macvlan MACs on the parent), runs each case after a warm-up, prints median and spread, and writes every figure
 * to bench-results/<time>.json so runs can be compared. It prints figures and never fails on one: the targets and what
 * was found are in the README's performance section.
 *
 * It also replays generated snapshots: 800 networks on one parent, and 1,000 containers with and without --redact.
 *
 * Options: --runs N (5), --hosts c10,c100,sprawl (all), --skip-peers (no nmap / arp-scan comparison).
 */
import {spawn} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'
import {fileURLToPath, pathToFileURL} from 'node:url'

import {Lab, LAN, labUnavailableReason} from '../test/lab/lab.js'
import {addContainer, addShim, addSprawl, createNetwork} from '../test/lab/scenarios.js'
import {snapshot} from '../test/helpers/builders.js'
import {buildSea} from './sea.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BIN = join(ROOT, 'bin', 'run.js')

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`)
  return index > 0 ? (process.argv[index + 1] ?? fallback) : fallback
}

const RUNS = Number(option('runs', '5'))
const HOSTS = option('hosts', 'c10,c100,sprawl').split(',')
const PEERS = !process.argv.includes('--skip-peers')

interface Sample {
  ms: number
  peakRssMb: number
  exitCode: number
}

interface Figure {
  host: string
  case: string
  runs: number
  medianMs: number
  minMs: number
  maxMs: number
  peakRssMb: number
  exitCodes: number[]
}

/** Runs `argv` to its end, timing it and reading its peak RSS (VmHWM, which survives the execs of `ip netns exec` and `env`). */
async function sample(argv: string[]): Promise<Sample> {
  const start = performance.now()
  const child = spawn(argv[0] ?? '', argv.slice(1), {stdio: 'ignore'})
  let peakKb = 0
  const readPeak = () => {
    try {
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0))
    } catch {
      // Gone between two reads: the last one stands.
    }
  }
  const timer = setInterval(readPeak, 5)
  // A tool that is not installed (nmap, arp-scan) shows as exit -1 rather than hanging the benchmark.
  const exitCode = await new Promise<number>((resolve) => {
    child.on('exit', (code) => resolve(code ?? -1))
    child.on('error', () => resolve(-1))
  })
  clearInterval(timer)
  return {ms: performance.now() - start, peakRssMb: peakKb / 1024, exitCode}
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

const figures: Figure[] = []

/** One warm-up, then `runs` timed runs. */
async function measure(host: string, name: string, argv: string[], runs = RUNS): Promise<Figure> {
  await sample(argv)
  const samples: Sample[] = []
  for (let index = 0; index < runs; index++) samples.push(await sample(argv))
  const times = samples.map((entry) => entry.ms)
  const figure = {
    host,
    case: name,
    runs,
    medianMs: Math.round(median(times)),
    minMs: Math.round(Math.min(...times)),
    maxMs: Math.round(Math.max(...times)),
    peakRssMb: Math.round(Math.max(...samples.map((entry) => entry.peakRssMb)) * 10) / 10,
    exitCodes: [...new Set(samples.map((entry) => entry.exitCode))],
  }
  figures.push(figure)
  console.log(`${host.padEnd(7)} ${name.padEnd(44)} median ${String(figure.medianMs).padStart(6)} ms  (min ${figure.minMs}, max ${figure.maxMs})  peak RSS ${figure.peakRssMb} MB  exit ${figure.exitCodes.join('/')}`)
  return figure
}

function ratio(label: string, ours: Figure, theirs: Figure): void {
  const value = Math.round((ours.medianMs / theirs.medianMs) * 100) / 100
  figures.push({host: ours.host, case: `ratio: ${label}`, runs: 0, medianMs: value, minMs: value, maxMs: value, peakRssMb: 0, exitCodes: []})
  console.log(`${ours.host.padEnd(7)} ratio ${label.padEnd(38)} ${value}×`)
}

/** Plain `ip netns exec`, as a user would run it: the lab's private /etc/systemd wrapper alone costs ~100 ms a run. */
const inHost = (lab: Lab, argv: string[]) => ['ip', 'netns', 'exec', lab.hostNs, 'env', `DOCKER_HOST=${lab.dockerHost}`, ...argv]
// Outside the lab's private /etc/systemd the shim's persisted files are not visible, so boot-order would warn.
const macvlan = (lab: Lab, args: string[]) => inHost(lab, [process.execPath, BIN, ...args, '--ignore', 'boot-order'])

/** The commands `doctor --no-probe` runs for the facts, back to back in a plain shell: what collection costs at the least. */
function baselineScript(lab: Lab): string {
  const path = join(lab.dir, 'baseline.sh')
  writeFileSync(
    path,
    [
      'set -e',
      'ip -j -d link show; ip -j addr show; ip -j -4 route show table all; ip -j -6 route show table all; ip -j neigh show',
      'bridge -j fdb show; bridge -j link show',
      "docker version --format '{{json .}}'; docker info --format '{{json .}}'",
      "networks=$(docker network ls --no-trunc --filter driver=macvlan --format '{{.ID}}'; docker network ls --no-trunc --filter driver=ipvlan --format '{{.ID}}')",
      'docker network inspect $networks',
      'docker inspect --type container $(docker ps --all --quiet --no-trunc)',
      "for sandbox in $(docker inspect --type container --format '{{.NetworkSettings.SandboxKey}}' $(docker ps --quiet --no-trunc)); do",
      '  nsenter --net=$sandbox ip -j -d addr show; nsenter --net=$sandbox ip -j route show table all; nsenter --net=$sandbox ip -j neigh show',
      'done',
      '',
    ].join('\n'),
  )
  return path
}

/** A healthy host: a reserved range big enough for `count` containers, a persisted shim routing it, `count` running containers. */
async function buildHost(count: number, sprawl: number): Promise<Lab> {
  // The DHCP pool moves below Docker's range, which needs a /25 for a hundred containers.
  const lab = await Lab.up({dhcpPool: ['192.168.77.20', '192.168.77.60']})
  const range = '192.168.77.128/25'
  await createNetwork(lab, {ipRange: range, aux: {shim: '192.168.77.254'}})
  const names = Array.from({length: count}, (_, index) => `c${index}`)
  // Docker starts containers one at a time per call; a few at once keeps the build short on two cores.
  for (let index = 0; index < names.length; index += 4) await Promise.all(names.slice(index, index + 4).map((name) => addContainer(lab, {name})))
  await addShim(lab, {address: '192.168.77.254', range, persist: true})
  if (sprawl > 0) await addSprawl(lab, sprawl)
  return lab
}

/** Our DHCP discovery and ARP sweep, each alone in a process of its own, as nmap and arp-scan are. */
const probeScript = (kind: string, call: string) =>
  `import(${JSON.stringify(join(ROOT, 'dist', 'probe', 'kinds', `${kind}.js`))}).then(async (probe) => { const result = await ${call}; if (!result) process.exit(1) })`

async function peers(host: string, lab: Lab): Promise<void> {
  const window = 5000
  const ours = await measure(host, `DHCP discovery (ours, ${window} ms window)`, inHost(lab, [process.execPath, '-e', probeScript('dhcp', `probe.discoverDhcp('eth1', [], ${window})`)]))
  const nmap = await measure(host, `DHCP discovery (nmap, ${window / 1000} s timeout)`, inHost(lab, ['nmap', '-e', 'eth1', '--script', 'broadcast-dhcp-discover', '--script-args', `broadcast-dhcp-discover.timeout=${window / 1000}s,broadcast-dhcp-discover.mac=random`]))
  ratio('DHCP ours / nmap', ours, nmap)
  const range = Array.from({length: 32}, (_, index) => `192.168.77.${192 + index}`)
  const sweep = await measure(host, 'ARP sweep of a /27 (ours)', inHost(lab, [process.execPath, '-e', probeScript('arp', `probe.proveFree('eth1', ${JSON.stringify(range)}, 1000)`)]))
  const arpScan = await measure(host, 'ARP sweep of a /27 (arp-scan)', inHost(lab, ['arp-scan', '-I', 'eth1', '192.168.77.192/27']))
  ratio('ARP sweep ours / arp-scan', sweep, arpScan)
}

async function benchHost(host: string, count: number, sprawl: number): Promise<void> {
  const started = performance.now()
  const lab = await buildHost(count, sprawl)
  try {
    console.log(`\n${host}: ${count} running macvlan containers${sprawl ? ` and ${sprawl} extra macvlan MACs on eth1` : ''} (built in ${Math.round((performance.now() - started) / 1000)} s)`)
    const baseline = await measure(host, 'shell baseline (same commands, sequential)', inHost(lab, ['bash', baselineScript(lab)]))
    const noProbe = await measure(host, 'doctor --no-probe --json', macvlan(lab, ['doctor', '--no-probe', '--json']))
    ratio('doctor --no-probe / shell baseline', noProbe, baseline)
    await measure(host, 'doctor (all probes, healthy)', macvlan(lab, ['doctor', '--json']))
    if (PEERS && host === 'c10') await peers(host, lab)
    // The cable pulled on the LAN side: every probe beyond the host itself goes unanswered until its timeout.
    await lab.lan(['ip', 'link', 'set', 'uplink', 'down'])
    await measure(host, 'doctor (all probes, failing: no carrier)', macvlan(lab, ['doctor', '--json']))
    await measure(host, 'doctor --dhcp-timeout 1000 (failing)', macvlan(lab, ['doctor', '--json', '--dhcp-timeout', '1000']))
  } finally {
    await lab.down()
  }
}

/** A replayed host with `count` macvlan networks on one parent, each on a /24 of its own: rules must not compare every pair. */
function manyNetworksSnapshot(count: number): string {
  const snapshot = JSON.parse(readFileSync(join(ROOT, 'fixtures', 'snapshots', 'healthy.json'), 'utf8')) as {networks: {data: Array<Record<string, unknown>>}}
  const template = snapshot.networks.data.find((network) => network.driver === 'macvlan')
  snapshot.networks.data = Array.from({length: count}, (_, index) => ({
    ...template,
    name: `net${index}`,
    id: index.toString(16).padStart(64, '0'),
    ipam: {driver: 'default', config: [{subnet: `10.${10 + (index >> 8)}.${index & 255}.0/24`, gateway: `10.${10 + (index >> 8)}.${index & 255}.1`, auxAddresses: {}}]},
  }))
  const path = join(mkdtempSync(join(tmpdir(), 'mvd-bench-')), `networks-${count}.json`)
  writeFileSync(path, JSON.stringify(snapshot))
  return path
}

/** A saved snapshot of `count` running containers on one macvlan network, each with its own view, as collect writes it. */
function generatedSnapshot(count: number): string {
  const host = snapshot().withParent('eth0', {address: '10.1.0.2/20'}).withMacvlanNetwork({name: 'lan', parent: 'eth0', subnet: '10.1.0.0/20', gateway: '10.1.0.1'})
  for (let index = 0; index < count; index++) {
    const octets = [10, 1, (index + 10) >> 8, (index + 10) & 255]
    const ip = octets.join('.')
    const mac = `02:42:${octets.map((octet) => octet.toString(16).padStart(2, '0')).join(':')}`
    const sandboxKey = `/var/run/docker/netns/${(0x1000_0000_0000 + index).toString(16)}`
    host.withContainer(`c${index}`, 'lan', {ip, mac, sandboxKey}).withView(`c${index}`, {
      links: [{ifindex: 2, name: 'eth0', kind: 'macvlan', mac, mtu: 1500, flags: ['UP', 'LOWER_UP'], operstate: 'UP', promiscuity: 0, linkType: 'ether'}],
      addresses: [{ifname: 'eth0', family: 'inet', local: ip, prefixlen: 20, scope: 'global'}],
      routes: [
        {table: 'main', type: 'unicast', dst: 'default', gateway: '10.1.0.1', dev: 'eth0'},
        {table: 'main', type: 'unicast', dst: '10.1.0.0/20', dev: 'eth0', protocol: 'kernel', scope: 'link', prefsrc: ip},
      ],
    })
  }
  const dir = mkdtempSync(join(tmpdir(), 'macvlan-bench-'))
  writeFileSync(join(dir, 'host.json'), JSON.stringify(host.build()))
  return join(dir, 'host.json')
}

/** Redaction maps every value once: a redacted replay should cost about what a plain one does, however many containers. */
async function benchRedaction(count: number): Promise<void> {
  const path = generatedSnapshot(count)
  try {
    const plain = await measure('-', `doctor --from (${count} containers)`, [process.execPath, BIN, 'doctor', '--json', '--from', path])
    const redacted = await measure('-', `doctor --from --redact (${count} containers)`, [process.execPath, BIN, 'doctor', '--json', '--redact', '--from', path])
    ratio(`--redact / plain (${count} containers)`, redacted, plain)
  } finally {
    rmSync(join(path, '..'), {recursive: true, force: true})
  }
}

/**
 * How the CLI starts three ways: oclif over the module tree in dist/ (how bin/run.js ran before the bundle), the bundle
 * dist/macvlan.cjs (bin/run.js now), and the single executable (built here). The README's design notes say which won.
 */
async function benchStart(): Promise<void> {
  const tree = [process.execPath, '--input-type=module', '-e', `import {execute} from '@oclif/core'; await execute({dir: ${JSON.stringify(pathToFileURL(BIN).href)}, args: process.argv.slice(1)})`]
  const ways: Record<string, string[]> = {'module tree': tree, bundle: [process.execPath, BIN], 'single executable': [buildSea()]}
  const cases: Record<string, string[]> = {rules: ['rules'], 'doctor --help': ['doctor', '--help'], 'doctor --from healthy.json': ['doctor', '--json', '--from', join(ROOT, 'fixtures', 'snapshots', 'healthy.json')]}
  for (const [name, args] of Object.entries(cases)) {
    // One after another: runs at the same time would slow each other down.
    const timed: Record<string, Figure> = {}
    for (const [way, argv] of Object.entries(ways)) timed[way] = await measure('-', `${name} (${way})`, [...argv, ...args])
    for (const way of ['bundle', 'single executable']) ratio(`${name}: ${way} / module tree`, timed[way] as Figure, timed['module tree'] as Figure)
  }
}

const reason = await labUnavailableReason()
if (reason) {
  console.error(`bench: the lab cannot be built here: ${reason}`)
  process.exit(1)
}
console.log(`macvlan-doctor benchmark: ${RUNS} runs per case after one warm-up; times are wall clock, peak RSS is the CLI process's\n`)
await measure('-', 'macvlan --version (cold start)', [process.execPath, BIN, '--version'])
await measure('-', 'macvlan doctor --help (cold start)', [process.execPath, BIN, 'doctor', '--help'])
await benchStart()
await measure('-', 'doctor --from: 800 networks on one parent', [process.execPath, BIN, 'doctor', '--json', '--from', manyNetworksSnapshot(800)])
await benchRedaction(1000)
const layouts: Record<string, [number, number]> = {c10: [10, 0], c100: [100, 0], sprawl: [10, 300]}
for (const host of HOSTS) {
  const layout = layouts[host]
  if (!layout) throw new Error(`unknown host ${host}: choose from ${Object.keys(layouts).join(', ')}`)
  await benchHost(host, ...layout)
}
mkdirSync(join(ROOT, 'bench-results'), {recursive: true})
const out = join(ROOT, 'bench-results', `${new Date().toISOString().replaceAll(/[:.]/g, '-')}.json`)
writeFileSync(out, `${JSON.stringify({date: new Date().toISOString(), node: process.version, runs: RUNS, lan: LAN.subnet, figures}, null, 2)}\n`)
console.log(`\nfigures written to ${out}`)
