// Two projects: the worker and its Durable Objects inside workerd; the p2p node (real sockets) in Node.
import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                OMEGA_WRITE_TOKEN: 'test-write-token',
                OMEGA_ADMIN_TOKEN: 'test-admin-token',
                OMEGA_READ_TOKEN: '',
                OMEGA_BRIDGE_TOKEN: 'test-bridge-token',
                OMEGA_REBUILD_CHUNK: '50',
                // one embedding chunk: 20,000 steps, 160 placed nodes (test/http/topology-embed-job.test.ts)
                OMEGA_EMBED_CHUNK_STEPS: '20000',
                // cost reports (test/billing/costs.test.ts): a commit price, and a small entry budget to exceed
                OMEGA_PRICES: '{"commit":0.001,"currency":"USD"}',
                OMEGA_BILL_MAX_ENTRIES: '400',
              },
            },
          }),
        ],
        test: {
          name: 'workers',
          include: ['test/**/*.test.ts'],
          exclude: ['test/p2p/**', 'test/scripts/**', 'test/**/*.node.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'node',
          // the p2p node (real sockets), the CLIs (run as child processes), and *.node tests (tfjs, Node only)
          include: ['test/p2p/**/*.test.ts', 'test/scripts/**/*.test.ts', 'test/**/*.node.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
    ],
  },
})
