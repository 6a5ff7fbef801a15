import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'contract/**/*.test.ts', 'simulator/**/*.test.ts', 'warehouse/**/*.test.ts', 'orchestrator/**/*.test.ts', 'bin/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // DuckDB and ZetaSQL use native threads; forks keep each suite in its own process.
    pool: 'forks',
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
