import { beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../src/gpu/context.ts';
import { createVecEnv } from '../src/vecenv/index.ts';
import { testGpu } from './helpers/gpu.ts';

const N = 256;

describe.each(['cpu', 'gpu'] as const)('MinAtar options (%s)', (backend) => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });
  const make = (params: Record<string, unknown>) =>
    createVecEnv(backend === 'cpu' ? 'cpu' : gpu, 'minatar/breakout', { numEnvs: N, seed: 11, params: { stickyActionProb: 0, ...params } });

  it('the minimal action set maps choices to the game actions and clamps what is out of range', async () => {
    const minimal = make({ minimalActionSet: true });
    const full = make({});
    expect(minimal.spec.actionSpace).toEqual({ kind: 'discrete', n: 3 });
    expect(full.spec.actionSpace).toEqual({ kind: 'discrete', n: 6 });
    // Breakout's minimal set is (no-op, left, right): choice 2 is action 3 (right).
    for (let k = 0; k < 3; k++) {
      minimal.step(new Uint32Array(N).fill(2));
      full.step(new Uint32Array(N).fill(3));
    }
    expect(await minimal.readState()).toEqual(await full.readState());
    minimal.step(new Uint32Array(N).fill(1));
    full.step(new Uint32Array(N).fill(1));
    expect(await minimal.readState()).toEqual(await full.readState());
    // Choice 5 does not exist: it is clamped to the last choice (right) and counted.
    minimal.step(new Uint32Array(N).fill(5));
    full.step(new Uint32Array(N).fill(3));
    expect(await minimal.readState()).toEqual(await full.readState());
    expect((await minimal.readStats()).invalidActions).toBe(N);
    expect((await full.readStats()).invalidActions).toBe(0);
  });
});

describe('MinAtar minimal action set, GPU against CPU', () => {
  it('random choices give the same states on both backends', async () => {
    const gpu = await testGpu();
    const options = { numEnvs: N, seed: 5, params: { minimalActionSet: true } };
    const onGpu = createVecEnv(gpu, 'minatar/breakout', options);
    const onCpu = createVecEnv('cpu', 'minatar/breakout', options);
    onGpu.stepRandom(300);
    onCpu.stepRandom(300);
    expect(await onGpu.readState()).toEqual(await onCpu.readState());
    const [g, c] = await Promise.all([onGpu.readStats(), onCpu.readStats()]);
    expect(g.episodes).toBeGreaterThan(0);
    expect(g).toEqual(c);
  });
});
