import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The browser demo (index.html, src/web/): relative asset paths, so the built site works from
  // any static host and any folder.
  base: './',
  build: { outDir: 'dist', target: 'es2022', chunkSizeWarningLimit: 2000 },
  // The GPU-owner worker imports PixiJS and the VecEnv; ES-module workers keep code splitting.
  worker: { format: 'es' },
  test: {
    include: ['tests/**/*.test.ts'],
    // The MinAtar GPU/CPU parity runs (4,096 envs × 2,000 steps) take minutes on SwiftShader.
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
