import { beforeAll, describe, expect, it } from 'vitest';
import { getEnv } from '../envs/index.ts';
import { GPU_TOLERANCE } from '../src/conformance/classic.ts';
import { FloatComparer } from '../src/conformance/report.ts';
import { randomAction } from '../src/env.ts';
import type { GpuContext } from '../src/gpu/context.ts';
import { CounterRng, Stream } from '../src/rng/source.ts';
import { createVecEnv } from '../src/vecenv/index.ts';
import { testGpu } from './helpers/gpu.ts';

const CLASSIC = ['classic/cartpole', 'classic/acrobot', 'classic/mountain_car', 'classic/pendulum'];
const N = 4096;

describe.each(CLASSIC)('%s: GPU and CPU under the project RNG', (id) => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  it('reset states are bit-identical', async () => {
    for (const seed of [0, 12345]) {
      const onGpu = createVecEnv(gpu, id, { numEnvs: N, seed });
      const onCpu = createVecEnv('cpu', id, { numEnvs: N, seed });
      expect(await onGpu.readState()).toEqual(await onCpu.readState());
      onGpu.destroy();
    }
  });

  it('one step from 4,096 random states agrees within the float32 tolerance, flags exactly', async () => {
    const env = getEnv(id);
    // Diverse states: random play from resets, rounded to float32 so both sides start equal.
    const source = createVecEnv('cpu', id, { numEnvs: N, seed: 9 });
    source.stepRandom(37);
    const states = Float64Array.from(Float32Array.from(await source.readState()));
    const lengths = Uint32Array.from({ length: N }, (_, i) => i % (env.spec.timeLimit || 1));
    const onGpu = createVecEnv(gpu, id, { numEnvs: N, seed: 9 });
    const onCpu = createVecEnv('cpu', id, { numEnvs: N, seed: 9 });
    onGpu.writeState(states, lengths);
    onCpu.writeState(states, lengths);
    const rng = (i: number) => new CounterRng(77, Stream.action, i, 0);
    const actions =
      env.spec.actionSpace.kind === 'discrete'
        ? Uint32Array.from({ length: N }, (_, i) => randomAction(env.spec.actionSpace, rng(i)))
        : Float32Array.from({ length: N }, (_, i) => randomAction(env.spec.actionSpace, rng(i)));
    onGpu.step(actions);
    onCpu.step(actions);
    const [gpuState, cpuState, gpuData, cpuData] = await Promise.all([onGpu.readState(), onCpu.readState(), onGpu.read(), onCpu.read()]);
    const comparer = new FloatComparer(GPU_TOLERANCE.relative, GPU_TOLERANCE.absolute);
    expect(comparer.firstMismatch(gpuState, cpuState)).toBe(-1);
    expect(comparer.firstMismatch(gpuData.obs, cpuData.obs)).toBe(-1);
    expect(comparer.firstMismatch(gpuData.reward, cpuData.reward)).toBe(-1);
    expect(gpuData.terminated).toEqual(cpuData.terminated);
    expect(gpuData.truncated).toEqual(cpuData.truncated);
    onGpu.destroy();
  });

  it('4,096 envs × 500 random steps: mean episode length and return agree within 3 standard errors', async () => {
    const onGpu = createVecEnv(gpu, id, { numEnvs: N, seed: 21 });
    const onCpu = createVecEnv('cpu', id, { numEnvs: N, seed: 21 });
    for (let k = 0; k < 5; k++) onGpu.stepRandom(100);
    onCpu.stepRandom(500);
    const [g, c] = await Promise.all([onGpu.readStats(), onCpu.readStats()]);
    expect(g.episodes).toBeGreaterThan(N / 2);
    expect(c.episodes).toBeGreaterThan(N / 2);
    const withinThreeSe = (meanG: number, stdG: number, meanC: number, stdC: number) => {
      const se = Math.sqrt(stdG ** 2 / g.episodes + stdC ** 2 / c.episodes);
      return Math.abs(meanG - meanC) <= 3 * se + 1e-6 * Math.abs(meanC);
    };
    expect(withinThreeSe(g.meanLength, g.stdLength, c.meanLength, c.stdLength), `lengths ${JSON.stringify([g, c])}`).toBe(true);
    expect(withinThreeSe(g.meanReturn, g.stdReturn, c.meanReturn, c.stdReturn), `returns ${JSON.stringify([g, c])}`).toBe(true);
    onGpu.destroy();
  });
});
