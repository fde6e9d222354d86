/** Brings a lab up, prints its id and waits: the teardown test interrupts it to prove SIGINT cleans up. */
import {Lab} from './lab.js'

const lab = await Lab.up()
console.log(`lab ${lab.id} held`)
setInterval(() => undefined, 60_000)
