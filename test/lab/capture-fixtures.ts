/** `npm run fixtures:capture [NAME…]`: rebuilds fixtures/snapshots/*.json from the lab scenarios, with the real CLI. */
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'

import {Lab} from './lab.js'
import {SCENARIOS, type ScenarioName} from './scenarios.js'

/** The raw command output behind the healthy snapshot, so the parsers are tested on what the tools really print. */
async function captureRaw(lab: Lab): Promise<void> {
  const dir = 'fixtures/raw/healthy'
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

const wanted = process.argv.slice(2)
const names = (wanted.length > 0 ? wanted : Object.keys(SCENARIOS)) as ScenarioName[]
for (const name of names) {
  const scenario = SCENARIOS[name]
  const lab = await Lab.up()
  try {
    await scenario.build(lab)
    const out = `fixtures/snapshots/${name}.json`
    const result = await lab.macvlan(['collect', '-o', out])
    if (result.exitCode !== 0) throw new Error(`collect failed for ${name}: ${result.stderr}`)
    const snapshot = JSON.parse(readFileSync(out, 'utf8'))
    const origin = `lab scenario "${name}": ${scenario.description}. Captured by \`npm run fixtures:capture ${name}\` (dockerd 20.10 in a network namespace, LAN namespace with bridge and dnsmasq).`
    writeFileSync(out, `${JSON.stringify({...snapshot, origin}, null, 2)}\n`)
    console.log(`captured ${out}`)
    if (name === 'healthy') await captureRaw(lab)
  } finally {
    await lab.down()
  }
}
