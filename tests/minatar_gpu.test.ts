import { beforeAll, describe, expect, it } from 'vitest';
import { getEnv } from '../envs/index.ts';
import { replayMinatarGpu } from '../src/conformance/minatar.ts';
import { formatReport } from '../src/conformance/report.ts';
import { readFixture, type MinatarEpisode } from '../src/fixtures/read.ts';
import type { GpuContext } from '../src/gpu/context.ts';
import { fixturePath } from './helpers/fixtures.ts';
import { testGpu } from './helpers/gpu.ts';
import { compareFinishedPlay, compareRandomPlay, twinVecEnvs } from './helpers/minatar_gpu_parity.ts';
import { firstStateDifference } from './helpers/state_difference.ts';

const N = 4096;
const STEPS = 2000;

// The games whose kernels need no special starts (Freeway and Seaquest have files of their own).
// finishedEnvs: how many envs the no-auto-reset check runs (Space Invaders' reference is slow).
// The size, 4,096 envs × 2,000 steps, takes on SwiftShader with 2 cores about 75 s
// (Breakout), 90 s (Asterix) and 3.5–5 minutes (Space Invaders), mostly the TypeScript reference
// and packing its observations: well within CI's time and the config's 10-minute test timeout.
const GAMES = [
  { id: 'minatar/asterix', finishedEnvs: 1024 },
  { id: 'minatar/breakout', finishedEnvs: 1024 },
  { id: 'minatar/space_invaders', finishedEnvs: 512 },
];

describe.each(GAMES)('$id WGSL kernel', ({ id: ID, finishedEnvs }) => {
  const { stateNames } = getEnv(ID).spec;
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  it('replays every episode of the fixture file in one GPU batch', async () => {
    const { episodes } = readFixture(fixturePath(ID));
    const report = await replayMinatarGpu(gpu, getEnv(ID), episodes as MinatarEpisode[]);
    expect(report.episodes).toBe(episodes.length);
    expect(report.matched, formatReport(report)).toBe(report.episodes);
  });

  it('reset states and observations are bit-identical to the CPU for 4,096 envs', async () => {
    for (const seed of [0, 12345]) {
      const { onGpu, onCpu } = twinVecEnvs(gpu, ID, N, seed);
      const [gpuStates, cpuStates, gpuData, cpuData] = await Promise.all([onGpu.readState(), onCpu.readState(), onGpu.readRaw(), onCpu.readRaw()]);
      expect(firstStateDifference(stateNames, gpuStates, cpuStates)).toBeUndefined();
      // As packed words: comparing millions of float32 values element by element takes seconds.
      expect(gpuData.obsWords).toEqual(cpuData.obsWords);
      onGpu.destroy();
    }
  });

  // The fixtures end at the terminal step; the reference keeps answering later steps, and so must
  // the kernel.
  it('without auto-reset, finished episodes keep stepping exactly as on the CPU', async () => {
    const result = await compareFinishedPlay(gpu, ID, finishedEnvs, 300, 5);
    expect(result.cpu.done.filter((done) => done !== 0).length).toBeGreaterThan(finishedEnvs * 0.9);
    expect(firstStateDifference(stateNames, result.gpuStates, result.cpuStates)).toBeUndefined();
    expect(result.gpu.done).toEqual(result.cpu.done);
    expect(result.gpu.reward).toEqual(result.cpu.reward);
    expect(result.gpu.obsWords).toEqual(result.cpu.obsWords);
  });

  it(`4,096 envs × ${STEPS.toLocaleString('en')} random steps with auto-reset: every step output, final states and episode stats agree with the CPU`, async () => {
    const result = await compareRandomPlay(gpu, ID, N, STEPS, 7);
    expect(result.firstDifference).toBeUndefined();
    expect(firstStateDifference(stateNames, result.gpuStates, result.cpuStates)).toBeUndefined();
    const { gpuStats: g, cpuStats: c } = result;
    expect(g.episodes).toBeGreaterThan(N);
    expect([g.episodes, g.meanLength, g.invalidActions]).toEqual([c.episodes, c.meanLength, c.invalidActions]);
    // Returns and squares are summed in float32 on the GPU, float64 on the CPU.
    expect(g.meanReturn).toBeCloseTo(c.meanReturn, 5);
    expect(g.stdReturn / c.stdReturn).toBeCloseTo(1, 4);
    expect(g.stdLength / c.stdLength).toBeCloseTo(1, 4);
  });
});
