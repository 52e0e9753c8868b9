import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/algos/index.ts';
import type { GpuContext } from '../src/gpu/context.ts';
import { train } from '../src/train/run.ts';
import { testGpu } from './helpers/gpu.ts';

/**
 * A learning regression fails CI: PPO with CleanRL's CartPole defaults must reach a mean return of
 * 150 over the last 100 episodes within 100k env steps (seed fixed; the run is deterministic). A
 * uniformly random policy averages about 22.
 */
describe('learning', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  it('PPO learns CartPole: mean return ≥ 150 within 100k steps', async () => {
    const config = resolveConfig('ppo', 'classic/cartpole', { totalSteps: 100_000 });
    const result = await train(gpu, { envId: 'classic/cartpole', algo: 'ppo', config, seed: 1, outDirs: null, checkpointEvery: 0 });
    const [run] = result.runs;
    const first = run.records.find((record) => record.return_last100 !== null)?.return_last100;
    console.log(`PPO CartPole, 100k steps on ${gpu.adapterName}: mean return ${first?.toFixed(1)} at first, ${run.returnLast100?.toFixed(1)} at the end (last 100 episodes), ${Math.round(result.stepsPerSecond)} steps/s`);
    expect(result.steps).toBe(99_840);
    expect(first).toBeLessThan(50);
    expect(run.returnLast100).toBeGreaterThanOrEqual(150);
  });
});
