/** Runs one program through runProgram and waits for it: tests kill this process and look for what outlives it. */
import {runProgram} from '../../src/exec/run.js'

const [file = 'sleep', ...args] = process.argv.slice(2)
await runProgram(file, args, {timeoutMs: 600_000})
