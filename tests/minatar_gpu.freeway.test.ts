import { beforeAll, describe, expect, it } from 'vitest';
import { freeway } from '../envs/minatar/freeway/spec.ts';
import { replayMinatarGpu } from '../src/conformance/minatar.ts';
import { formatReport } from '../src/conformance/report.ts';
import { readFixture, type MinatarEpisode } from '../src/fixtures/read.ts';
import type { GpuContext } from '../src/gpu/context.ts';
import { fixturePath } from './helpers/fixtures.ts';
import { testGpu } from './helpers/gpu.ts';
import { compareFinishedPlay, compareRandomPlay, twinVecEnvs } from './helpers/minatar_gpu_parity.ts';
import { firstStateDifference } from './helpers/state_difference.ts';

const ID = 'minatar/freeway';
const N = 4096;
const STEPS = 2000;
const TIME_LEFT_WORD = freeway.spec.stateNames.indexOf('time_left');
const STATE_WORDS = freeway.spec.stateNames.length;

describe('minatar/freeway WGSL kernel', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  it('replays every episode of the fixture file in one GPU batch', async () => {
    const { episodes } = readFixture(fixturePath(ID));
    const report = await replayMinatarGpu(gpu, freeway, episodes as MinatarEpisode[]);
    expect(report.episodes).toBe(episodes.length);
    expect(report.matched, formatReport(report)).toBe(report.episodes);
  });

  it('reset states and observations are bit-identical to the CPU for 4,096 envs', async () => {
    for (const seed of [0, 12345]) {
      const { onGpu, onCpu } = twinVecEnvs(gpu, ID, N, seed);
      const [gpuStates, cpuStates, gpuData, cpuData] = await Promise.all([onGpu.readState(), onCpu.readState(), onGpu.readRaw(), onCpu.readRaw()]);
      expect(firstStateDifference(freeway.spec.stateNames, gpuStates, cpuStates)).toBeUndefined();
      // As packed words: comparing millions of float32 values element by element takes seconds.
      expect(gpuData.obsWords).toEqual(cpuData.obsWords);
      onGpu.destroy();
    }
  });

  // The fixtures end at the terminal step; the reference keeps answering later steps, and so must
  // the kernel.
  it('without auto-reset, finished episodes keep stepping exactly as on the CPU', async () => {
    // Staggered clocks that all run out within the first 200 steps.
    const result = await compareFinishedPlay(gpu, ID, 1024, 300, 5, (states) => {
      for (let i = 0; i < 1024; i++) states[i * STATE_WORDS + TIME_LEFT_WORD] = i % 200;
    });
    expect(result.cpu.done.every((done) => done !== 0)).toBe(true);
    expect(firstStateDifference(freeway.spec.stateNames, result.gpuStates, result.cpuStates)).toBeUndefined();
    expect(result.gpu.done).toEqual(result.cpu.done);
    expect(result.gpu.reward).toEqual(result.cpu.reward);
    expect(result.gpu.obsWords).toEqual(result.cpu.obsWords);
  });

  // The size, 4,096 envs × 2,000 steps: on SwiftShader with 2 cores this takes about 105 s alone
  // (mostly the TypeScript reference and packing its observations), well within CI's time.
  it(`4,096 envs × ${STEPS.toLocaleString('en')} random steps with auto-reset: every step output, final states and episode stats agree with the CPU`, async () => {
    // A Freeway episode always lasts gameTime + 1 = 2,501 steps, longer than the run: the clocks
    // start staggered instead, so that every env ends an episode (at its own step) and restarts.
    const result = await compareRandomPlay(gpu, ID, N, STEPS, 7, (states) => {
      for (let i = 0; i < N; i++) states[i * STATE_WORDS + TIME_LEFT_WORD] = i % STEPS;
    });
    expect(result.firstDifference).toBeUndefined();
    expect(firstStateDifference(freeway.spec.stateNames, result.gpuStates, result.cpuStates)).toBeUndefined();
    const { gpuStats: g, cpuStats: c } = result;
    expect(g.episodes).toBe(N);
    expect([g.episodes, g.meanLength, g.invalidActions]).toEqual([c.episodes, c.meanLength, c.invalidActions]);
    // Returns and squares are summed in float32 on the GPU, float64 on the CPU.
    expect(g.meanReturn).toBeCloseTo(c.meanReturn, 5);
    expect(g.stdReturn / c.stdReturn).toBeCloseTo(1, 4);
    expect(g.stdLength / c.stdLength).toBeCloseTo(1, 4);
  }, 300_000);
});
