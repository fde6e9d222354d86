/**
 * `npm run fixtures:capture [NAME…]`: rebuilds fixtures/snapshots/*.json from the lab scenarios, with the real CLI, on
 * every lab engine: NAME.json on the default engine, NAME.docker-26.1.json on the others. Each is a bundle written by
 * `macvlan doctor --save`: the snapshot and the probes of the same run, so unit tests judge real probe evidence.
 */
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'

import {IPV6_CONF_SCRIPT} from '../../src/collect/parse-sysctl.js'
import {DEFAULT_ENGINE, ENGINES, labEngines, type EngineName} from './engines.js'
import {Lab} from './lab.js'
import {SCENARIOS, type ScenarioName} from './scenarios.js'

/** A fixture's name on `engine`: the default engine's keeps the scenario's name. */
function fixtureName(scenario: string, engine: EngineName): string {
  return engine === DEFAULT_ENGINE ? scenario : `${scenario}.${ENGINES[engine].name}`
}

/** What every lab-made fixture says about how it was made, the engine's exact version included. */
function fixtureOrigin(scenario: string, description: string, engine: EngineName, serverVersion: string): string {
  const {name, debian} = ENGINES[engine]
  return `lab scenario "${scenario}" on ${name} (Docker Engine ${serverVersion}, ${debian}'s docker.io): ${description}. Captured by \`npm run fixtures:capture ${scenario}\` (dockerd in a network namespace, LAN namespace with bridge and dnsmasq).`
}

/** The raw command output behind the healthy snapshot, so the parsers are tested on what the tools really print. */
async function captureRaw(lab: Lab, dir: string): Promise<void> {
  mkdirSync(dir, {recursive: true})
  const save = (file: string, text: string) => writeFileSync(`${dir}/${file}`, `${JSON.stringify(JSON.parse(text), null, 2)}\n`)
  const host = async (args: string[]) => (await lab.host(args)).stdout
  save('ip-link.json', await host(['ip', '-j', '-d', 'link', 'show']))
  save('ip-addr.json', await host(['ip', '-j', 'addr', 'show']))
  save('ip-route.json', await host(['ip', '-j', '-4', 'route', 'show', 'table', 'all']))
  save('bridge-fdb.json', await host(['bridge', '-j', 'fdb', 'show']))
  save('docker-network-inspect.json', (await lab.docker(['network', 'inspect', 'lan'])).stdout)
  save('docker-inspect.json', (await lab.docker(['inspect', 'web', 'db'])).stdout)
  save('docker-version.json', (await lab.docker(['version', '--format', '{{json .}}'])).stdout)
  save('docker-info.json', (await lab.docker(['info', '--format', '{{json .}}'])).stdout)
  const pid = (await lab.docker(['inspect', '--format', '{{.State.Pid}}', 'web'])).stdout.trim()
  save('container-ip-addr.json', await host(['nsenter', `--net=/proc/${pid}/ns/net`, 'ip', '-j', '-d', 'addr', 'show']))
  console.log(`captured ${dir}`)
}

/** What a container on a dual-stack network shows of IPv6 (addresses with their flags, RA routes, settings). */
async function captureContainerIpv6(lab: Lab, dir: string): Promise<void> {
  mkdirSync(dir, {recursive: true})
  const pid = (await lab.docker(['inspect', '--format', '{{.State.Pid}}', 'web'])).stdout.trim()
  const inside = async (args: string[]) => (await lab.host(['nsenter', `--net=/proc/${pid}/ns/net`, ...args])).stdout
  writeFileSync(`${dir}/container-ip-addr.json`, `${JSON.stringify(JSON.parse(await inside(['ip', '-j', '-d', 'addr', 'show'])), null, 2)}\n`)
  writeFileSync(`${dir}/container-ip-route.json`, `${JSON.stringify(JSON.parse(await inside(['ip', '-j', 'route', 'show', 'table', 'all'])), null, 2)}\n`)
  writeFileSync(`${dir}/container-ipv6-conf.txt`, await inside(['sh', '-c', IPV6_CONF_SCRIPT]))
  console.log(`captured ${dir}`)
}

async function capture(scenario: ScenarioName, engine: EngineName): Promise<void> {
  const lab = await Lab.up({engine})
  try {
    await SCENARIOS[scenario].build(lab)
    const name = fixtureName(scenario, engine)
    const out = `fixtures/snapshots/${name}.json`
    // Exit 0-2 is the scenario's verdict; 3 may be too (a check only a probe answers, left open): the file decides.
    const result = await lab.macvlan(['doctor', '--json', '--save', out])
    if (!result.stderr.includes(`written to ${out}`)) throw new Error(`doctor --save failed for ${name} (exit ${result.exitCode}): ${result.stderr}`)
    const snapshot = JSON.parse(readFileSync(out, 'utf8'))
    if (!snapshot.probes) console.warn(`${out}: no probe ran, saved as a plain snapshot`)
    const serverVersion = (await lab.docker(['version', '--format', '{{.Server.Version}}'])).stdout.trim()
    const origin = fixtureOrigin(scenario, SCENARIOS[scenario].description, engine, serverVersion)
    writeFileSync(out, `${JSON.stringify({...snapshot, origin}, null, 2)}\n`)
    console.log(`captured ${out}`)
    if (scenario === 'healthy') await captureRaw(lab, `fixtures/raw/${name}`)
    if (scenario === 'dual-stack') await captureContainerIpv6(lab, `fixtures/raw/${name}`)
  } finally {
    await lab.down()
  }
}

const wanted = process.argv.slice(2)
const scenarios = (wanted.length > 0 ? wanted : Object.keys(SCENARIOS)) as ScenarioName[]
const unknown = scenarios.filter((name) => !(name in SCENARIOS))
if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}`)
const jobs = labEngines().flatMap((engine) => scenarios.map((scenario) => () => capture(scenario, engine)))
// Labs mostly wait on their daemons: three at a time keep two cores busy.
await Promise.all(
  Array.from({length: 3}, async () => {
    for (let job = jobs.shift(); job; job = jobs.shift()) await job()
  }),
)
