/** `npm run lab -- up [ENGINE] | down ID | down --stale | scenario NAME [ENGINE] | list`: the lab from a shell, for trying things by hand. */
import {DEFAULT_ENGINE, ENGINES, type EngineName} from './engines.js'
import {Lab} from './lab.js'
import {SCENARIOS, type ScenarioName} from './scenarios.js'

function usage(): never {
  console.error(`usage: npm run lab -- up [ENGINE] | scenario NAME [ENGINE] | down ID | down --stale | list   (ENGINE: ${Object.keys(ENGINES).join(', ')}; default ${DEFAULT_ENGINE})`)
  process.exit(2)
}

function engineArgument(name: string | undefined): EngineName {
  if (name === undefined) return DEFAULT_ENGINE
  if (!(name in ENGINES)) usage()
  return name as EngineName
}

async function printHowToUse(lab: Lab): Promise<void> {
  console.log(`lab ${lab.id} is up with ${ENGINES[lab.engine].name}: host namespace ${lab.hostNs}, LAN namespace ${lab.lanNs}`)
  console.log(`  run the doctor:  ip netns exec ${lab.hostNs} env DOCKER_HOST=${lab.dockerHost} ./bin/run.js doctor`)
  console.log(`  tear it down:    npm run lab -- down ${lab.id}`)
}

const [verb, argument, engineName] = process.argv.slice(2)
switch (verb) {
  case 'up': {
    const lab = await Lab.up({engine: engineArgument(argument)})
    lab.detach()
    await printHowToUse(lab)
    break
  }
  case 'scenario': {
    const scenario = SCENARIOS[argument as ScenarioName]
    if (!scenario) {
      console.error(`unknown scenario ${argument}; known: ${Object.keys(SCENARIOS).join(', ')}`)
      process.exit(2)
    }
    const lab = await Lab.up({engine: engineArgument(engineName)})
    try {
      await scenario.build(lab)
    } catch (error) {
      await lab.down()
      throw error
    }
    lab.detach()
    console.log(`${argument}: ${scenario.description}`)
    await printHowToUse(lab)
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
