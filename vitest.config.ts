// Tests run inside workerd (the Workers runtime) with the worker and its Durable Objects from wrangler.toml.
import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

export default defineConfig({
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
        },
      },
    }),
  ],
  test: { include: ['test/**/*.test.ts'], testTimeout: 30_000 },
})
