// Browser tests (npm run test:browser): Debian's Chromium driven by playwright-core against a local worker.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    name: 'browser',
    include: ['test/browser/**/*.spec.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // one worker and one browser: the machine is small and the tests share both
    fileParallelism: false,
  },
})
