import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {test: {name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000}},
      // npm pack from a copy of the tree, installed into a temporary prefix: slow, so it has a project of its own.
      {test: {name: 'package', include: ['test/package/**/*.test.ts'], testTimeout: 60_000}},
      {
        // Real namespaces, a real dockerd per lab. Labs mostly wait (probe timeouts, daemon start): one file at a time,
        // and up to `maxConcurrency` labs of that file at once (describeOnEngines blocks), keep two cores busy, not swamped.
        test: {name: 'lab', include: ['test/lab/**/*.test.ts'], fileParallelism: false, maxConcurrency: 4, testTimeout: 120_000, hookTimeout: 180_000},
      },
    ],
  },
})
