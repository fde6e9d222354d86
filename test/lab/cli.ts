/** `npm run lab -- up | down ID | down --stale | scenario NAME | list`: the lab from a shell, for trying things by hand. */
import {Lab} from './lab.js'
import {SCENARIOS, type ScenarioName} from './scenarios.js'

function usage(): never {
  console.error('usage: npm run lab -- up | scenario NAME | down ID | down --stale | list')
  process.exit(2)
}

async function describe(lab: Lab): Promise<void> {
  console.log(`lab ${lab.id} is up: host namespace ${lab.hostNs}, LAN namespace ${lab.lanNs}`)
  console.log(`  run the doctor:  ip netns exec ${lab.hostNs} env DOCKER_HOST=${lab.dockerHost} ./bin/run.js doctor`)
  console.log(`  tear it down:    npm run lab -- down ${lab.id}`)
}

const [verb, argument] = process.argv.slice(2)
switch (verb) {
  case 'up': {
    const lab = await Lab.up()
    lab.detach()
    await describe(lab)
    break
  }
  case 'scenario': {
    const scenario = SCENARIOS[argument as ScenarioName]
    if (!scenario) {
      console.error(`unknown scenario ${argument}; known: ${Object.keys(SCENARIOS).join(', ')}`)
      process.exit(2)
    }
    const lab = await Lab.up()
    try {
      await scenario.build(lab)
    } catch (error) {
      await lab.down()
      throw error
    }
    lab.detach()
    console.log(`${argument}: ${scenario.description}`)
    await describe(lab)
    break
  }
  case 'down': {
    const ids = argument === '--stale' ? Lab.stale() : argument ? [argument] : usage()
    for (const id of ids) {
      await Lab.attach(id).down()
      console.log(`lab ${id} removed`)
    }
    break
  }
  case 'list':
    for (const [name, scenario] of Object.entries(SCENARIOS)) console.log(`${name.padEnd(26)} ${scenario.description}`)
    break
  default:
    usage()
}
