import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The MinAtar GPU/CPU parity runs (4,096 envs × 2,000 steps) take minutes on SwiftShader.
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
