import { beforeAll, describe, expect, it } from 'vitest';
import { seaquest } from '../envs/minatar/seaquest/spec.ts';
import { replayMinatarGpu } from '../src/conformance/minatar.ts';
import { formatReport } from '../src/conformance/report.ts';
import { readFixture, type MinatarEpisode } from '../src/fixtures/read.ts';
import type { GpuContext } from '../src/gpu/context.ts';
import { fixturePath } from './helpers/fixtures.ts';
import { testGpu } from './helpers/gpu.ts';
import { compareFinishedPlay, compareRandomPlay, twinVecEnvs, type RandomPlayComparison } from './helpers/minatar_gpu_parity.ts';
import { firstStateDifference } from './helpers/state_difference.ts';

const ID = 'minatar/seaquest';
const N = 4096;
// The size, 4,096 envs × 2,000 steps: on SwiftShader with 2 cores shared with other
// workers' tests this took 167 s (mostly the TypeScript reference and packing its observations),
// well within CI's time; the config's 10-minute test timeout covers it.
const STEPS = 2000;
const DEEP_STEPS = 100;

function expectAgreement(result: RandomPlayComparison): void {
  expect(result.firstDifference).toBeUndefined();
  expect(firstStateDifference(seaquest.spec.stateNames, result.gpuStates, result.cpuStates)).toBeUndefined();
  const { gpuStats: g, cpuStats: c } = result;
  expect(g.episodes).toBeGreaterThan(N);
  expect([g.episodes, g.meanLength, g.invalidActions]).toEqual([c.episodes, c.meanLength, c.invalidActions]);
  // Returns and their squares are summed in float32 on the GPU, float64 on the CPU.
  expect(g.meanReturn).toBeCloseTo(c.meanReturn, 5);
  expect(g.stdReturn / c.stdReturn).toBeCloseTo(1, 4);
  expect(g.stdLength / c.stdLength).toBeCloseTo(1, 4);
}

describe('minatar/seaquest WGSL kernel', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  it('replays every episode of the fixture file in one GPU batch', async () => {
    const { episodes } = readFixture(fixturePath(ID));
    const report = await replayMinatarGpu(gpu, seaquest, episodes as MinatarEpisode[]);
    expect(report.episodes).toBe(episodes.length);
    expect(report.matched, formatReport(report)).toBe(report.episodes);
  });

  // The second reset follows play, so the records the lists held then must be cleared.
  it('reset states and observations are bit-identical to the CPU for 4,096 envs, also after play', async () => {
    const { onGpu, onCpu } = twinVecEnvs(gpu, ID, N, 0);
    for (const seed of [0, 12345]) {
      if (seed !== 0) {
        onGpu.stepRandom(60);
        onCpu.stepRandom(60);
        onGpu.reset(seed);
        onCpu.reset(seed);
      }
      const [gpuStates, cpuStates, gpuData, cpuData] = await Promise.all([onGpu.readState(), onCpu.readState(), onGpu.readRaw(), onCpu.readRaw()]);
      expect(firstStateDifference(seaquest.spec.stateNames, gpuStates, cpuStates)).toBeUndefined();
      expect(gpuData.obsWords).toEqual(cpuData.obsWords);
    }
    onGpu.destroy();
  });

  // The fixtures end at the terminal step; the reference keeps answering later steps (reward 0,
  // terminated, the sticky draw still choosing the applied action), and so must the kernel.
  it('without auto-reset, finished episodes keep stepping exactly as on the CPU', async () => {
    const result = await compareFinishedPlay(gpu, ID, 512, 300, 5);
    expect(result.cpu.done.filter((done) => done !== 0).length).toBeGreaterThan(512 * 0.9);
    expect(firstStateDifference(seaquest.spec.stateNames, result.gpuStates, result.cpuStates)).toBeUndefined();
    expect(result.gpu.done).toEqual(result.cpu.done);
    expect(result.gpu.reward).toEqual(result.cpu.reward);
    expect(result.gpu.obsWords).toEqual(result.cpu.obsWords);
  });

  it(`${N.toLocaleString('en')} envs × ${STEPS.toLocaleString('en')} random steps with auto-reset: every step output, final states and episode stats agree with the CPU`, async () => {
    expectAgreement(await compareRandomPlay(gpu, ID, N, STEPS, 7));
  });

  // Random play from the reset mostly surfaces without a diver within a few dozen steps, with an
  // enemy or two on screen. These episodes start under water at the highest difficulty (an enemy
  // every step, moving every 3rd), with every diver count from −3 to 6 and all oxygen levels, so
  // the lists fill towards their capacities and full-load bonuses, negative counts and ramping
  // at its limits all occur.
  it(`${N.toLocaleString('en')} envs × ${DEEP_STEPS} random steps from deep-water starts agree with the CPU`, async () => {
    const { stateNames } = seaquest.spec;
    const words = stateNames.length;
    const at = (name: string) => {
      const word = stateNames.indexOf(name);
      if (word < 0) throw new Error(`no state word '${name}'`);
      return word;
    };
    const p = seaquest.params;
    const result = await compareRandomPlay(gpu, ID, N, DEEP_STEPS, 11, (states) => {
      for (let i = 0; i < N; i++) {
        const set = (name: string, value: number) => {
          states[i * words + at(name)] = value;
        };
        const x = i % 10;
        set('sub_x', x);
        set('sub_y', 1 + (i % 8));
        // The sub's back cell must be on the grid: it faces right at column 9, left at column 0.
        set('facing_right', x === 9 || (x > 0 && (i >> 4) % 2 === 1) ? 1 : 0);
        set('oxygen', 1 + ((i * 37) % p.maxOxygen));
        set('divers_held', (i % (p.maxDivers + 4)) - 3);
        set('spawn_interval', p.minEnemySpawnInterval);
        set('spawn_timer', 0);
        set('move_interval', p.minEnemyMoveInterval);
        set('ramp_index', p.enemySpawnIntervalStart - p.minEnemySpawnInterval);
        set('diver_timer', i % (p.diverSpawnInterval + 1));
        set('at_surface', 0);
      }
    });
    expectAgreement(result);
  });
});
