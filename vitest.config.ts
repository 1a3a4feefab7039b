import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'carriers/**/*.test.ts', 'src/**/*.test.ts'],
    // A Redis Cluster and a Sentinel set shared by the suites of one run.
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    // Set-up builds Worker bundles, installs and starts servers: minutes on a loaded CI machine.
    hookTimeout: 120_000,
    // Tests start real servers on ephemeral ports; two workers fit this 2-core machine.
    maxWorkers: 2,
  },
});
